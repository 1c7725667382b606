import * as tf from '@tensorflow/tfjs-core';
import { globalSumOfSquares, sumOfSquares } from './kernels/sum-of-squares.js';

export { sumOfSquares };

/** L2 norm of one tensor, ||x|| = sqrt(sum x_i^2). */
export function tensorNorm(x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sqrt(sumOfSquares(x)));
}

/** L2 norm of all tensors concatenated: sqrt(sum over tensors of sum x_i^2). */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(globalSumOfSquares(tensors)));
}
