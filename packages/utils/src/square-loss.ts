/**
 * The one square-loss convention of deltaclip. A square loss is `L = c * ||F(w) - y||^2` with
 *
 *     c = (half ? 1/2 : 1) * (reduction === 'mean' ? 1/m : 1),
 *
 * where m is the number of residual entries (samples times outputs, as
 * `tf.losses.meanSquaredError` averages). PL* in the normalization `0.5 ||grad L||^2 >= mu L`
 * (Liu, Zhu, Belkin 2022) then holds with `mu = 2c * lambda_min(K)`, K the tangent kernel:
 *
 * | name        | loss                     | c       | mu from lambda_min(K) |
 * |-------------|--------------------------|---------|-----------------------|
 * | `half-sum`  | 0.5 * sum (F - y)^2      | 1/2     | lambda_min            |
 * | `half-mean` | 0.5 * mean (F - y)^2     | 1/(2m)  | lambda_min / m        |
 * | `mean`      | mean (F - y)^2 (tf MSE)  | 1/m     | 2 lambda_min / m      |
 * | `sum`       | sum (F - y)^2            | 1       | 2 lambda_min          |
 *
 * Derivation: `grad L = 2c J^T r`, so `0.5 ||grad L||^2 = 2c^2 r^T K r >= 2c^2 lambda_min ||r||^2
 * = 2c lambda_min L`.
 */
import {
  InvalidOptionError,
  requireFiniteNumber,
  requireInteger,
  requireNonNegative,
  requireOneOf,
} from './validate.js';

export type Reduction = 'sum' | 'mean';
export const REDUCTIONS: readonly Reduction[] = ['sum', 'mean'];

/** How a square loss reduces and scales the squared residuals. */
export interface SquareLossConvention {
  readonly reduction: Reduction;
  readonly half: boolean;
}

/** The four conventions by name, as the CLI and configs spell them. */
export type SquareLossName = 'half-sum' | 'half-mean' | 'mean' | 'sum';
export const SQUARE_LOSS_NAMES: readonly SquareLossName[] = [
  'half-sum',
  'half-mean',
  'mean',
  'sum',
];

/** `0.5 * ||F(w) - y||^2`, the normalization in which mu = lambda_min(K). */
export const HALF_SUM: SquareLossConvention = Object.freeze({ reduction: 'sum', half: true });
/** `mean((F(w) - y)^2)`, what `tf.losses.meanSquaredError` computes. */
export const MEAN: SquareLossConvention = Object.freeze({ reduction: 'mean', half: false });

/** Check a convention object; throws a RangeError naming the bad field. */
export function validateSquareLoss(loss: unknown, name = 'loss'): SquareLossConvention {
  if (typeof loss !== 'object' || loss === null) {
    throw new InvalidOptionError(
      `${name} must be a square-loss convention like { reduction: 'sum', half: true } (got ${String(loss)})`,
    );
  }
  const { reduction, half } = loss as Partial<SquareLossConvention>;
  requireOneOf(`${name}.reduction`, reduction, REDUCTIONS);
  if (typeof half !== 'boolean') {
    throw new InvalidOptionError(`${name}.half must be true or false (got ${String(half)})`);
  }
  return { reduction: reduction as Reduction, half };
}

/** The convention a name stands for (`'half-sum'` -> `{ reduction: 'sum', half: true }`). */
export function squareLossFromName(name: unknown): SquareLossConvention {
  const n = requireOneOf('square loss', name, SQUARE_LOSS_NAMES);
  return { reduction: n.endsWith('sum') ? 'sum' : 'mean', half: n.startsWith('half-') };
}

/** The name of a convention (`{ reduction: 'mean', half: false }` -> `'mean'`). */
export function squareLossName(loss: SquareLossConvention): SquareLossName {
  const { reduction, half } = validateSquareLoss(loss);
  return `${half ? 'half-' : ''}${reduction}` as SquareLossName;
}

/** The formula in words, e.g. `0.5 * mean over 314 residual entries of (F - y)^2`. */
export function describeSquareLoss(loss: SquareLossConvention): string {
  const { reduction, half } = validateSquareLoss(loss);
  return `${half ? '0.5 * ' : ''}${reduction === 'sum' ? 'sum' : 'mean'} of squared errors`;
}

/** The constant c in `L = c * ||r||^2` for `numElements` residual entries. */
export function squareLossScale(loss: SquareLossConvention, numElements: number): number {
  const { reduction, half } = validateSquareLoss(loss);
  requireInteger('numElements', numElements, 1);
  return (half ? 0.5 : 1) / (reduction === 'mean' ? numElements : 1);
}

/**
 * The factor k in `mu = k * lambda_min(K)` for this convention: `2c` (see the table above). The
 * same factor turns the tangent kernel's largest eigenvalue into the Gauss–Newton part of beta.
 */
export function kernelFactor(loss: SquareLossConvention, numElements: number): number {
  return 2 * squareLossScale(loss, numElements);
}

/** The PL* constant the tangent kernel's smallest eigenvalue implies; round-off below 0 gives 0. */
export function muFromTangentKernel(
  lambdaMin: number,
  loss: SquareLossConvention,
  numElements: number,
): number {
  requireFiniteNumber('lambdaMin', lambdaMin);
  return kernelFactor(loss, numElements) * Math.max(0, lambdaMin);
}

/**
 * Convert a PL* constant measured under one convention to another on the same data: the loss
 * scales by c_to / c_from, and mu (a ratio of ||grad L||^2 to L) scales the same way.
 */
export function convertMu(
  mu: number,
  from: SquareLossConvention,
  to: SquareLossConvention,
  numElements: number,
): number {
  requireNonNegative('mu', mu);
  return (mu * squareLossScale(to, numElements)) / squareLossScale(from, numElements);
}
