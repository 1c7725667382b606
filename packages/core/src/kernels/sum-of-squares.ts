import * as tf from '@tensorflow/tfjs-core';
import { HOST_SUM_OF_SQUARES, kernelFor } from './host-memory.js';

/**
 * Name of the kernel `out = sum_i x_i^2` (float32 scalar), which backends may implement in one
 * read-only pass (the @deltaclip/backend adapters do for cpu and wasm, accumulating in float64).
 * On tfjs's own cpu and wasm backends without them core uses its own (./host-memory.ts); elsewhere
 * {@link sumOfSquares} falls back to a dot product of x with itself.
 */
export const SUM_OF_SQUARES = 'DeltaClipSumOfSquares';

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
