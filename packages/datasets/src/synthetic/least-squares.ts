/**
 * Linear least squares with a prescribed spectrum: `X = U diag(s) V^T` with random orthonormal U, V
 * and the singular values you choose, targets `y = X w*` (realizable). For the linear model
 * `F(w) = X w` the tangent kernel is `K = X X^T`, whose nonzero eigenvalues are `s_i^2`, so the PL*
 * and smoothness constants are known exactly.
 *
 * PL* convention (Liu, Zhu, Belkin 2022; docs/paper-notes): `0.5 * ||grad L(w)||^2 >= mu * L(w)`
 * for every w. With `L = c * ||X w - y||^2` and y in the range of X, `grad L = 2c X^T r`,
 * `0.5 * ||grad L||^2 = 2c^2 r^T K r >= 2c^2 lambda_min ||r||^2 = 2c * lambda_min * L`, so
 * `mu = 2c * lambda_min` and `beta = 2c * lambda_max` (the Hessian is `2c X^T X`), where
 * `lambda_min = s_min^2`, `lambda_max = s_max^2` (smallest and largest singular value of X):
 *
 * | loss                                 | c        | mu              | beta            |
 * |--------------------------------------|----------|-----------------|-----------------|
 * | `half-sum`  0.5 * sum (Xw - y)^2     | 1/2      | s_min^2         | s_max^2         |
 * | `half-mean` 0.5 * mean (Xw - y)^2    | 1/(2n)   | s_min^2 / n     | s_max^2 / n     |
 * | `mean`      mean (Xw - y)^2 (tf MSE) | 1/n      | 2 s_min^2 / n   | 2 s_max^2 / n   |
 * | `sum`       sum (Xw - y)^2           | 1        | 2 s_min^2       | 2 s_max^2       |
 *
 * Both hold for every w (globally): the residual `X (w - w*)` always lies in the range of X, on
 * which K >= s_min^2. Gradient descent with step eta <= 1/beta then gives
 * `L_t <= (1 - eta * mu)^t * L_0`. The model has no bias term. The constants are exact for the
 * float64 matrix (`x64`); the float32 copy in the dataset differs by rounding (relative ~1e-7).
 */

import {
  kernelFactor,
  type Rng,
  requireInteger,
  requireOneOf,
  requirePositive,
  requireSeed,
  type SquareLossName,
  squareLossFromName,
} from '@deltaclip/utils';
import { Dataset } from '../dataset.js';
import { GENERATED_LICENCE, GENERATOR_STREAM, generatorRng } from './common.js';

/** A spectrum given by its ends: `count` values from `largest` down to `smallest`. */
export interface SpectrumSpec {
  readonly largest: number;
  readonly smallest: number;
  /** geometric (default): constant ratio; linear: constant step. */
  readonly decay?: 'geometric' | 'linear';
}

/** `count` values from `largest` down to `smallest`, geometric or linear. */
export function spectrum(count: number, spec: SpectrumSpec): number[] {
  requireInteger('count', count, 1);
  const hi = requirePositive('largest', spec.largest);
  const lo = requirePositive('smallest', spec.smallest);
  if (lo > hi) throw new RangeError(`smallest must be <= largest (got ${lo} > ${hi})`);
  const decay = requireOneOf('decay', spec.decay ?? 'geometric', ['geometric', 'linear'] as const);
  if (count === 1) return [hi];
  return Array.from({ length: count }, (_, i) => {
    const t = i / (count - 1);
    return decay === 'geometric' ? hi * (lo / hi) ** t : hi + (lo - hi) * t;
  });
}

export interface LeastSquaresOptions {
  /** Number of samples n (default 64). */
  readonly numSamples?: number;
  /** Input dimension d (default 16). */
  readonly dim?: number;
  /**
   * The min(n, d) singular values of X (any order, all > 0), or their ends. Default: geometric
   * from 1 to 0.1.
   */
  readonly singularValues?: readonly number[] | SpectrumSpec;
  readonly seed?: number;
}

/** PL* and smoothness constants of the least-squares loss for one normalization. */
export interface LeastSquaresConstants {
  readonly loss: SquareLossName;
  /** PL* constant: `0.5 * ||grad L||^2 >= mu * L` for all w. */
  readonly mu: number;
  /** Smoothness: largest Hessian eigenvalue. */
  readonly beta: number;
  /** beta / mu = (s_max / s_min)^2. */
  readonly conditionNumber: number;
}

export interface LeastSquaresTheory {
  /** Singular values of X, descending (length min(n, d)). */
  readonly singularValues: readonly number[];
  /** Nonzero eigenvalues of the tangent kernel K = X X^T, descending: s_i^2. */
  readonly kernelEigenvalues: readonly number[];
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** X in float64, row-major [n, d]. */
  readonly x64: Float64Array;
  /** y = X w* in float64. */
  readonly y64: Float64Array;
  /** The weights that generated y (any w with X w = y is a global minimum). */
  readonly wStar: Float64Array;
  /** mu, beta and the condition number for a loss normalization. */
  constants(loss: SquareLossName): LeastSquaresConstants;
}

/** Orthonormal columns: `cols` Gaussian vectors of length `rows`, Gram-Schmidt twice. */
function orthonormalColumns(rng: Rng, rows: number, cols: number): Float64Array {
  const q = Float64Array.from({ length: rows * cols }, () => rng.normal());
  for (let j = 0; j < cols; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += q[i * cols + j]! * q[i * cols + k]!;
        for (let i = 0; i < rows; i++) q[i * cols + j]! -= dot * q[i * cols + k]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += q[i * cols + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) q[i * cols + j]! /= norm;
  }
  return q;
}

/**
 * Least-squares data with known PL* constants.
 *
 * @example
 * const { dataset, theory } = linearLeastSquares({ numSamples: 32, dim: 64, singularValues: { largest: 2, smallest: 0.5 }, seed: 0 });
 * theory.constants('mean').mu; // 2 * 0.25 / 32: the PL* constant of tf.losses.meanSquaredError
 */
export function linearLeastSquares(options: LeastSquaresOptions = {}): {
  dataset: Dataset;
  theory: LeastSquaresTheory;
} {
  const n = requireInteger('numSamples', options.numSamples ?? 64, 1);
  const d = requireInteger('dim', options.dim ?? 16, 1);
  const seed = requireSeed('seed', options.seed ?? 0);
  const r = Math.min(n, d);
  const given = options.singularValues ?? { largest: 1, smallest: 0.1 };
  const values = Array.isArray(given)
    ? [...(given as readonly number[])]
    : spectrum(r, given as SpectrumSpec);
  if (values.length !== r) {
    throw new RangeError(
      `singularValues must have min(numSamples, dim) = ${r} entries (got ${values.length})`,
    );
  }
  values.forEach((s, i) => {
    requirePositive(`singularValues[${i}]`, s);
  });
  const s = values.sort((a, b) => b - a);
  const rng = generatorRng(seed, GENERATOR_STREAM.leastSquares);
  const u = orthonormalColumns(rng, n, r);
  const v = orthonormalColumns(rng, d, r);
  const x64 = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let k = 0; k < r; k++) sum += u[i * r + k]! * s[k]! * v[j * r + k]!;
      x64[i * d + j] = sum;
    }
  }
  const wStar = Float64Array.from({ length: d }, () => rng.normal() / Math.sqrt(d));
  const y64 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += x64[i * d + j]! * wStar[j]!;
    y64[i] = sum;
  }
  const kernelEigenvalues = s.map((v) => v * v);
  const lambdaMax = kernelEigenvalues[0]!;
  const lambdaMin = kernelEigenvalues[r - 1]!;
  const theory: LeastSquaresTheory = {
    singularValues: s,
    kernelEigenvalues,
    lambdaMin,
    lambdaMax,
    x64,
    y64,
    wStar,
    constants(loss) {
      // mu = 2c * lambda_min, beta = 2c * lambda_max: the kernel factor of the convention, with
      // one residual entry per sample.
      const c = kernelFactor(squareLossFromName(loss), n);
      return {
        loss,
        mu: c * lambdaMin,
        beta: c * lambdaMax,
        conditionNumber: lambdaMax / lambdaMin,
      };
    },
  };
  const dataset = new Dataset({
    x: Float32Array.from(x64),
    featureShape: [d],
    y: Float32Array.from(y64),
    targetShape: [1],
    metadata: {
      name: 'linear-least-squares',
      task: 'regression',
      description: `Linear least squares, ${n} samples in ${d} dimensions, X with singular values ${s[0]} .. ${s[r - 1]} (condition number of K ${Number((lambdaMax / lambdaMin).toPrecision(4))}); y = X w* exactly.`,
      featureNames: Array.from({ length: d }, (_, i) => `x${i + 1}`),
      targetNames: ['y'],
      classes: [],
      source: `synthetic: linearLeastSquares({ numSamples: ${n}, dim: ${d}, seed: ${seed} })`,
      licence: GENERATED_LICENCE,
      preprocessing: [],
      details: { numSamples: n, dim: d, singularValues: s, lambdaMin, lambdaMax, seed },
    },
  });
  return { dataset, theory };
}
