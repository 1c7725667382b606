import * as tf from '@tensorflow/tfjs-core';
import { HOST_GLOBAL_SUM_OF_SQUARES, HOST_SUM_OF_SQUARES, kernelFor } from './host-memory.js';

/**
 * Name of the kernel `out = sum_i x_i^2` (float32 scalar), which backends may implement in one
 * read-only pass. Core has its own for tfjs's cpu and wasm backends (./host-memory.ts: float64
 * sums, WebAssembly SIMD on wasm) and webgl (./webgl.ts: a fused square and partial-sum shader);
 * elsewhere {@link sumOfSquares} falls back to a dot product of x with itself.
 */
export const SUM_OF_SQUARES = 'DeltaClipSumOfSquares';

/**
 * Name of the kernel `out = sum over tensors t of sum_i t_i^2` (float32 scalar) whose inputs are
 * an array of tensors (as AddN's): the squared global norm in one dispatch, summed in float64
 * on the host-memory backends. Elsewhere {@link globalSumOfSquares} adds per-tensor sums.
 */
export const GLOBAL_SUM_OF_SQUARES = 'DeltaClipGlobalSumOfSquares';

/** sum_i x_i^2 as a scalar tensor, by the fastest kernel the active backend has. */
export function sumOfSquares(x: tf.Tensor): tf.Scalar {
  const kernel = kernelFor(SUM_OF_SQUARES, HOST_SUM_OF_SQUARES, [x]);
  if (kernel !== undefined) return tf.engine().runKernel(kernel, { x }) as tf.Scalar;
  // A dot product is one pass over memory on most backends; square-then-sum is two, and tf.norm
  // goes through pow and is several times slower still.
  return tf.tidy(() => {
    const flat = tf.reshape(x, [1, -1]) as tf.Tensor2D;
    return tf.reshape(tf.matMul(flat, flat, false, true), []) as tf.Scalar;
  });
}

/** The sum of squares of every element of every tensor, as one scalar. */
export function globalSumOfSquares(tensors: readonly tf.Tensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(0);
  if (tensors.length === 1) return sumOfSquares(tensors[0]!);
  const kernel = kernelFor(GLOBAL_SUM_OF_SQUARES, HOST_GLOBAL_SUM_OF_SQUARES, tensors);
  if (kernel !== undefined) {
    return tf.engine().runKernel(kernel, tensors as unknown as tf.NamedTensorMap) as tf.Scalar;
  }
  return tf.tidy(() => tf.addN(tensors.map(sumOfSquares)) as tf.Scalar);
}
