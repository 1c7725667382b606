import { requireOneOf } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { labelRows } from './labels.js';

export interface CrossEntropyOptions {
  /** 'mean' (default): average over positions (N, or N*T for sequences); 'sum': total. */
  readonly reduction?: 'sum' | 'mean';
}

/**
 * Softmax cross-entropy `-sum_c y_c log softmax(logits)_c` per position, averaged (or summed) over
 * positions — PyTorch's `CrossEntropyLoss`. `logits` [..., C]; `labels` class indices [...] or
 * one-hot/probabilities [..., C]. Uses logSoftmax, so large logits do not overflow.
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options: CrossEntropyOptions = {},
): tf.Scalar {
  const reduction = requireOneOf('reduction', options.reduction ?? 'mean', ['sum', 'mean']);
  return tf.tidy(() => {
    const targets = labelRows('softmaxCrossEntropy', logits, labels);
    const logProbs = tf.logSoftmax(tf.reshape(logits, targets.shape));
    const total = tf.neg(tf.sum(tf.mul(targets, logProbs)));
    return (reduction === 'mean' ? tf.div(total, targets.shape[0]) : total) as tf.Scalar;
  });
}
