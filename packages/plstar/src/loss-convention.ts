import { requireInteger, requireNonNegative, requireOneOf } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';

/** How a square loss reduces the squared residuals. */
export type Reduction = 'sum' | 'mean';

export const REDUCTIONS: readonly Reduction[] = ['sum', 'mean'];

/**
 * An explicit square-loss convention: `L = c * ||F(w) - y||^2` with
 * `c = (half ? 1/2 : 1) * (reduction === 'mean' ? 1/m : 1)`, where m is the number of residual
 * entries (samples times outputs, as `tf.losses.meanSquaredError` averages).
 *
 * - `{ reduction: 'sum', half: true }`: `0.5 * sum` — the convention of the PL* papers.
 * - `{ reduction: 'mean', half: false }`: `mean` — `tf.losses.meanSquaredError`.
 */
export interface SquareLossConvention {
  readonly reduction: Reduction;
  readonly half: boolean;
}

/** `0.5 * ||F(w) - y||^2`, the normalization in which mu = lambda_min(K). */
export const HALF_SUM: SquareLossConvention = Object.freeze({ reduction: 'sum', half: true });

/** Check a convention object; throws a RangeError naming the bad field. */
export function validateSquareLoss(loss: unknown, name = 'loss'): SquareLossConvention {
  if (typeof loss !== 'object' || loss === null) {
    throw new RangeError(
      `${name} must be a square-loss convention like { reduction: 'sum', half: true } (got ${String(loss)})`,
    );
  }
  const { reduction, half } = loss as Partial<SquareLossConvention>;
  requireOneOf(`${name}.reduction`, reduction, REDUCTIONS);
  if (typeof half !== 'boolean') {
    throw new RangeError(`${name}.half must be true or false (got ${String(half)})`);
  }
  return { reduction: reduction as Reduction, half };
}

/** The constant c in `L = c * ||r||^2` for `numElements` residual entries. */
export function squareLossScale(loss: SquareLossConvention, numElements: number): number {
  const { reduction, half } = validateSquareLoss(loss);
  requireInteger('numElements', numElements, 1);
  return (half ? 0.5 : 1) / (reduction === 'mean' ? numElements : 1);
}

/** The square loss of `prediction` against `target` under `loss`, as a scalar. */
export function squareLoss(
  prediction: tf.Tensor,
  target: tf.Tensor,
  loss: SquareLossConvention,
): tf.Scalar {
  const c = squareLossScale(loss, Math.max(1, prediction.size));
  return tf.tidy(() => {
    const r = tf.sub(prediction, target);
    return tf.mul(tf.sum(tf.square(r)), tf.scalar(c));
  });
}

/**
 * The PL* constant that the tangent kernel's smallest eigenvalue implies for a square loss.
 *
 * With `L = c ||r||^2`: `grad L = 2c J^T r`, so `||grad L||^2 = 4c^2 r^T K r >= 4c^2 lambda_min ||r||^2
 * = 4c lambda_min L`, and PL* in the normalization `0.5 ||grad L||^2 >= mu L` holds with
 * `mu = 2c lambda_min(K)`: lambda_min for 0.5*sum, 2 lambda_min for sum, lambda_min/m for
 * 0.5*mean, 2 lambda_min/m for mean. Negative round-off below zero is reported as 0.
 */
export function muFromTangentKernel(
  lambdaMin: number,
  loss: SquareLossConvention,
  numElements: number,
): number {
  return 2 * squareLossScale(loss, numElements) * Math.max(0, lambdaMin);
}

/**
 * Convert a PL* constant measured for one square-loss convention to another on the same data:
 * L_to = (c_to / c_from) L_from, so mu_to = (c_to / c_from) mu_from (mu scales like the loss).
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
