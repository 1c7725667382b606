import * as tf from '@tensorflow/tfjs-core';
import { ones, zeros } from '../init.js';
import type { ParameterStore } from '../parameter-store.js';

/** Layer normalization over the last axis: y = gamma * (x - mean) / sqrt(var + epsilon) + beta. */
export interface LayerNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly epsilon: number;
}

/** Creates `${name}/gamma` (ones) and `${name}/beta` (zeros). */
export function createLayerNorm(
  store: ParameterStore,
  name: string,
  options: { readonly size: number; readonly epsilon: number },
): LayerNorm {
  return {
    gamma: store.weight(`${name}/gamma`, [options.size], ones),
    beta: store.weight(`${name}/beta`, [options.size], zeros),
    epsilon: options.epsilon,
  };
}

export function applyLayerNorm(layer: LayerNorm, x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, layer.epsilon)));
  return tf.add(tf.mul(normalized, layer.gamma), layer.beta);
}
