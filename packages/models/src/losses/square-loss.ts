import * as tf from '@tensorflow/tfjs-core';
import { requireBoolean, requireOneOf } from '../config-fields.js';
import { InputShapeError } from '../errors.js';
import { formatShape } from '../weights.js';

export interface SquareLossOptions {
  /** 'mean' (default): divide by the number of elements; 'sum': no division. */
  readonly reduction?: 'sum' | 'mean';
  /** Multiply by 1/2 (the theory's convention); default false. */
  readonly half?: boolean;
}

/**
 * Square loss `c * sum_i (pred_i - y_i)^2 / d`, with c = 1/2 if `half` else 1, d = the number of
 * elements for 'mean' (default; equals tf.losses.meanSquaredError) and 1 for 'sum'. `pred` and `y`
 * must have the same shape (no silent broadcasting).
 *
 * The PL* constant depends on this choice (see @deltaclip/plstar): with tangent kernel K,
 * sum + half -> lambda_min(K); mean + half -> lambda_min(K)/n; mean -> 2 lambda_min(K)/n;
 * sum -> 4 lambda_min(K) (n = number of outputs).
 */
export function squareLoss(
  pred: tf.Tensor,
  y: tf.Tensor,
  options: SquareLossOptions = {},
): tf.Scalar {
  const reduction = requireOneOf('reduction', options.reduction ?? 'mean', ['sum', 'mean']);
  const half = requireBoolean('half', options.half ?? false);
  if (!tf.util.arraysEqual(pred.shape, y.shape)) {
    throw new InputShapeError(
      `squareLoss: pred and y must have the same shape (got ${formatShape(pred.shape)} and ${formatShape(y.shape)})`,
    );
  }
  const c = (half ? 0.5 : 1) / (reduction === 'mean' ? pred.size : 1);
  return tf.tidy(() => tf.mul(tf.sum(tf.squaredDifference(pred, y)), c) as tf.Scalar);
}
