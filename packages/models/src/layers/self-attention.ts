import * as tf from '@tensorflow/tfjs-core';
import type { Init } from '../init.js';
import type { ParameterStore } from '../parameter-store.js';
import { applyDense, createDense, type Dense } from './dense.js';

/**
 * Multi-head self-attention (Vaswani et al. 2017): one fused query/key/value projection
 * `${name}/qkv` [width, 3 width] with bias, softmax(q k^T / sqrt(headSize)) v per head, and an
 * output projection `${name}/output` [width, width] with bias.
 */
export interface SelfAttention {
  readonly qkv: Dense;
  readonly output: Dense;
  readonly heads: number;
  readonly width: number;
}

export function createSelfAttention(
  store: ParameterStore,
  name: string,
  options: { readonly width: number; readonly heads: number; readonly kernelInit: Init },
): SelfAttention {
  const { width, heads, kernelInit } = options;
  return {
    qkv: createDense(store, `${name}/qkv`, { inputSize: width, outputSize: 3 * width, kernelInit }),
    output: createDense(store, `${name}/output`, {
      inputSize: width,
      outputSize: width,
      kernelInit,
    }),
    heads,
    width,
  };
}

/**
 * `x`: [N, T, width]. With `causal`, position t attends to positions <= t only. Every transpose
 * is rank 4 and every product a batched matMul, which all tfjs backends run with gradients.
 */
export function applySelfAttention(
  layer: SelfAttention,
  x: tf.Tensor3D,
  causal: boolean,
): tf.Tensor3D {
  const [n, t] = x.shape;
  const { heads, width } = layer;
  const headSize = width / heads;
  const qkv = applyDense(layer.qkv, x);
  const splitHeads = (part: tf.Tensor): tf.Tensor4D =>
    tf.transpose(tf.reshape(part, [n, t, heads, headSize]), [0, 2, 1, 3]);
  const [q, k, v] = tf.split(qkv, 3, 2).map(splitHeads) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  let scores: tf.Tensor4D = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headSize));
  if (causal) scores = tf.add(scores, causalMask(t));
  const context = tf.matMul(tf.softmax(scores), v); // [N, heads, T, headSize]
  const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [n, t, width]);
  return applyDense(layer.output, merged) as tf.Tensor3D;
}

/** [T, T] additive mask: 0 on and below the diagonal, -1e9 above (large, finite: no NaN). */
function causalMask(t: number): tf.Tensor2D {
  const values = new Float32Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let j = i + 1; j < t; j++) values[i * t + j] = -1e9;
  }
  return tf.tensor2d(values, [t, t]);
}
