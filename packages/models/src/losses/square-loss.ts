import { formatShape, type SquareLossConvention, squareLossScale } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { InputShapeError } from '../errors.js';

/**
 * The square loss `c * sum_i (pred_i - y_i)^2` under a convention of @deltaclip/utils:
 * c = (half ? 1/2 : 1) / (reduction === 'mean' ? m : 1), with m = pred.size, the number of
 * residual entries (samples x outputs). `{ reduction: 'mean', half: false }` (utils' `MEAN`) is
 * tf.losses.meanSquaredError; `HALF_SUM` is the theory's 0.5 ||F - y||^2. `pred` and `y` must
 * have the same shape (no silent broadcasting).
 *
 * The PL* constant scales with the convention, mu = 2c lambda_min(K) for the tangent kernel K:
 * half-sum -> lambda_min; half-mean -> lambda_min / m; mean -> 2 lambda_min / m; sum -> 2 lambda_min
 * (derivation in @deltaclip/utils' square-loss.ts; `muFromTangentKernel` computes it).
 */
export function squareLoss(
  pred: tf.Tensor,
  y: tf.Tensor,
  convention: SquareLossConvention,
): tf.Scalar {
  if (!tf.util.arraysEqual(pred.shape, y.shape)) {
    throw new InputShapeError(
      `squareLoss: pred and y must have the same shape (got ${formatShape(pred.shape)} and ${formatShape(y.shape)})`,
    );
  }
  const c = squareLossScale(convention, pred.size);
  return tf.tidy(() => tf.mul(tf.sum(tf.squaredDifference(pred, y)), c) as tf.Scalar);
}
