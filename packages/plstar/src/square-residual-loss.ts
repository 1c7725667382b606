import { type SquareLossConvention, squareLossScale } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The default loss of an analysis that is given a convention but no loss function. Private on
 * purpose: the public tensor `squareLoss` lives in @deltaclip/models, which plstar must not import.
 */
export function squareResidualLoss(
  prediction: tf.Tensor,
  target: tf.Tensor,
  loss: SquareLossConvention,
): tf.Scalar {
  const c = squareLossScale(loss, Math.max(1, prediction.size));
  return tf.tidy(() => tf.mul(tf.sum(tf.square(tf.sub(prediction, target))), tf.scalar(c)));
}
