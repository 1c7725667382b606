import * as tf from '@tensorflow/tfjs-core';
import { labelRows } from './labels.js';

/**
 * Fraction of positions whose arg-max logit is the label (for one-hot or probability labels: their
 * arg-max), as a scalar tensor — no device read. `logits` [..., C]; `labels` [...] or [..., C].
 * Ties go to the lowest class index, as tf.argMax.
 */
export function accuracy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const targets = labelRows('accuracy', logits, labels);
    const predicted = tf.argMax(tf.reshape(logits, targets.shape), 1);
    const expected = tf.argMax(targets, 1);
    return tf.mean(tf.cast(tf.equal(predicted, expected), 'float32')) as tf.Scalar;
  });
}
