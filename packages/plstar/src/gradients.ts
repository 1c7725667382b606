import { sumOfSquares } from '@deltaclip/core';
import { requireGradients } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { LossFn } from './model.js';

/**
 * The loss and its gradient with respect to each variable, aligned with `variables` (zeros where
 * the loss does not depend on a variable). The caller owns and disposes the returned tensors.
 */
export function lossAndGradients(
  lossFn: LossFn,
  variables: readonly tf.Variable[],
): { loss: tf.Scalar; grads: tf.Tensor[] } {
  requireGradients(tf, 'plstar');
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(lossFn, variables as tf.Variable[]);
    return { loss: value, grads: variables.map((v) => grads[v.name] ?? tf.zerosLike(v)) };
  });
}

/** Sum of squares of a list of tensors, as one device scalar. */
export function squaredNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() =>
    tensors.length === 0
      ? tf.scalar(0)
      : (tf.addN(tensors.map((t) => sumOfSquares(t))) as tf.Scalar),
  );
}

/** Inner product of two aligned lists of tensors, as one device scalar. */
export function dot(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() =>
    a.length === 0
      ? tf.scalar(0)
      : (tf.addN(a.map((t, i) => tf.sum(tf.mul(t, b[i]!)))) as tf.Scalar),
  );
}
