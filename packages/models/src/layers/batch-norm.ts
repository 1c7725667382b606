import * as tf from '@tensorflow/tfjs-core';
import { ones, zeros } from '../init.js';
import type { ParameterStore } from '../parameter-store.js';

/**
 * Batch normalization over every axis but the last (channels), PyTorch conventions:
 *
 *     y = gamma * (x - mu) / sqrt(var + epsilon) + beta
 *
 * Training: mu and var are the batch mean and biased variance, and the running statistics become
 * `running <- (1 - momentum) * running + momentum * batch`, with the unbiased variance
 * (var * n / (n - 1), n values per channel) for the running variance. Inference: mu and var are
 * the running statistics. gamma and beta are trainable; the running statistics are state.
 */
export interface BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly movingMean: tf.Variable;
  readonly movingVariance: tf.Variable;
  readonly momentum: number;
  readonly epsilon: number;
}

/** Creates `${name}/gamma`, `${name}/beta` and the state `${name}/movingMean`, `${name}/movingVariance`. */
export function createBatchNorm(
  store: ParameterStore,
  name: string,
  options: { readonly channels: number; readonly momentum: number; readonly epsilon: number },
): BatchNorm {
  const shape = [options.channels];
  return {
    gamma: store.weight(`${name}/gamma`, shape, ones),
    beta: store.weight(`${name}/beta`, shape, zeros),
    movingMean: store.stateVariable(`${name}/movingMean`, shape, zeros),
    movingVariance: store.stateVariable(`${name}/movingVariance`, shape, ones),
    momentum: options.momentum,
    epsilon: options.epsilon,
  };
}

export function applyBatchNorm(layer: BatchNorm, x: tf.Tensor, training: boolean): tf.Tensor {
  if (!training) {
    // Fold the statistics into one scale and shift per channel: two passes over x instead of four.
    const scale = tf.mul(layer.gamma, tf.rsqrt(tf.add(layer.movingVariance, layer.epsilon)));
    const shift = tf.sub(layer.beta, tf.mul(layer.movingMean, scale));
    return tf.add(tf.mul(x, scale), shift);
  }
  const channels = x.shape[x.rank - 1]!;
  const n = x.size / channels;
  if (n < 2) {
    throw new RangeError(
      `batch norm in training mode needs at least 2 values per channel (got ${n} from input shape [${x.shape.join(', ')}]); use a larger batch or apply(x, {training: false})`,
    );
  }
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const m = layer.momentum;
  layer.movingMean.assign(tf.add(tf.mul(layer.movingMean, 1 - m), tf.mul(mean, m)));
  layer.movingVariance.assign(
    tf.add(tf.mul(layer.movingVariance, 1 - m), tf.mul(variance, (m * n) / (n - 1))),
  );
  const scale = tf.mul(layer.gamma, tf.rsqrt(tf.add(variance, layer.epsilon)));
  return tf.add(tf.mul(tf.sub(x, mean), scale), layer.beta);
}
