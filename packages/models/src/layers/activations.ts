import * as tf from '@tensorflow/tfjs-core';

export const ACTIVATIONS = [
  'relu',
  'tanh',
  'sigmoid',
  'gelu',
  'leakyRelu',
  'linear',
  'softplus',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * GELU, exact form: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). Built from `tf.erf`, which every
 * tfjs backend (cpu, wasm, webgl) implements with a gradient.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}

/** Applies an elementwise activation; `leakyReluAlpha` is the negative slope of `leakyRelu`. */
export function activate(x: tf.Tensor, activation: Activation, leakyReluAlpha = 0.2): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'gelu':
      return gelu(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, leakyReluAlpha);
    case 'linear':
      return x;
    case 'softplus':
      return tf.softplus(x);
  }
}
