import { formatShape } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { InputShapeError } from '../errors.js';

/**
 * Labels as one row of class weights per position, [P, C] float32, for logits [..., C]: `labels`
 * either has the shape of `logits` (one-hot or probabilities) or that shape without the last axis
 * (class indices).
 */
export function labelRows(where: string, logits: tf.Tensor, labels: tf.Tensor): tf.Tensor2D {
  const classes = logits.shape[logits.rank - 1]!;
  if (logits.rank >= 1 && tf.util.arraysEqual(labels.shape, logits.shape)) {
    return tf.reshape(tf.cast(labels, 'float32'), [-1, classes]);
  }
  if (logits.rank >= 1 && tf.util.arraysEqual(labels.shape, logits.shape.slice(0, -1))) {
    const indices = tf.cast(tf.reshape(labels, [-1]), 'int32') as tf.Tensor1D;
    // oneHot(..., 'float32') is wrong on tfjs-backend-wasm 4.22 (it writes int32 bits): cast instead.
    return tf.cast(tf.oneHot(indices, classes), 'float32') as tf.Tensor2D;
  }
  throw new InputShapeError(
    `${where}: labels must be class indices of shape ${formatShape(logits.shape.slice(0, -1))} or one-hot/probabilities of shape ${formatShape(logits.shape)} for logits ${formatShape(logits.shape)} (got ${formatShape(labels.shape)})`,
  );
}
