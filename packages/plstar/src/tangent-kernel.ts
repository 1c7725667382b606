import {
  InvalidOptionError,
  muFromTangentKernel,
  type SquareLossConvention,
} from '@deltaclip/utils';
import type * as tf from '@tensorflow/tfjs-core';
import { gramMatrix } from './gram.js';
import { type JacobianOptions, jacobianRows } from './jacobian.js';
import type { PlStarModel } from './model.js';
import { type Spectrum, symmetricSpectrum } from './spectrum.js';

/**
 * The empirical tangent kernel K = J J^T on n samples of a model with k outputs per sample: an
 * (n*k) x (n*k) float64 matrix, row-major, entry (i*k + j, i'*k + j') = <d f_j(x_i)/dw, d f_j'(x_i')/dw>.
 * It is the full kernel over all outputs (not one block per output), the one that bounds
 * ||grad L||^2 = 4c^2 r^T K r for a square loss L = c ||r||^2 over every residual entry.
 */
export interface TangentKernel {
  readonly matrix: Float64Array;
  /** n * k. */
  readonly size: number;
  readonly samples: readonly number[];
  readonly outputsPerSample: number;
  readonly numParams: number;
  readonly spectrum: Spectrum;
}

/**
 * Empirical tangent kernel of `model` on the chosen samples of `x`, and its spectrum. Jacobian rows
 * are computed in float32 per sample (see {@link jacobianRows} for the cost), the kernel in
 * float64 on the host (n^2 k^2 p / 2 multiply-adds), the spectrum by ml-matrix (O((nk)^3)).
 */
export async function tangentKernel(
  model: PlStarModel,
  x: tf.Tensor,
  options: JacobianOptions = {},
): Promise<TangentKernel> {
  const j = await jacobianRows(model, x, options);
  const matrix = gramMatrix(j.rows, j.numRows, j.numParams);
  return {
    matrix,
    size: j.numRows,
    samples: j.samples,
    outputsPerSample: j.outputsPerSample,
    numParams: j.numParams,
    spectrum: symmetricSpectrum(matrix, j.numRows),
  };
}

/**
 * The PL* constant `2c * lambda_min(K)` that the kernel implies for the square loss `loss` whose
 * residual has `numElements` entries (all samples times outputs of the training set; see
 * {@link muFromTangentKernel}). It is a lower bound of the trajectory estimate at the same weights
 * only when the kernel covers every sample of that loss: by Cauchy interlacing a kernel on a
 * subset has a larger lambda_min than the full one, so a subset gives an optimistic estimate.
 */
export function kernelImpliedMu(
  kernel: TangentKernel,
  loss: SquareLossConvention,
  numElements: number,
): number {
  return muFromTangentKernel(kernel.spectrum.lambdaMin, loss, numElements);
}

/**
 * ||K_to - K_from||_F / ||K_from||_F: how far the kernel moved (same samples, same size); null when
 * K_from is zero.
 */
export function kernelRelativeChange(from: TangentKernel, to: TangentKernel): number | null {
  if (from.size !== to.size) {
    throw new InvalidOptionError(
      `kernels must have the same size (got ${from.size} and ${to.size})`,
    );
  }
  let diff = 0;
  let base = 0;
  for (let i = 0; i < from.matrix.length; i++) {
    const a = from.matrix[i]!;
    const d = to.matrix[i]! - a;
    diff += d * d;
    base += a * a;
  }
  return base > 0 ? Math.sqrt(diff / base) : null;
}
