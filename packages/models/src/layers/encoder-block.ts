import * as tf from '@tensorflow/tfjs-core';
import type { Init } from '../init.js';
import type { ParameterStore } from '../parameter-store.js';
import { gelu } from './activations.js';
import { applyDense, createDense, type Dense } from './dense.js';
import { applyLayerNorm, createLayerNorm, type LayerNorm } from './layer-norm.js';
import { applySelfAttention, createSelfAttention, type SelfAttention } from './self-attention.js';

/**
 * A pre-norm transformer encoder block, as in ViT:
 *
 *     x <- x + Attention(LayerNorm1(x))
 *     x <- x + W2 GELU(W1 LayerNorm2(x) + b1) + b2
 *
 * Variables: `${name}/norm1`, `${name}/attention/{qkv,output}`, `${name}/norm2`,
 * `${name}/mlp/{dense0,dense1}` (dense0 is width -> hidden, dense1 hidden -> width).
 */
export interface EncoderBlock {
  readonly norm1: LayerNorm;
  readonly attention: SelfAttention;
  readonly norm2: LayerNorm;
  readonly mlp: readonly [Dense, Dense];
}

export interface EncoderBlockOptions {
  readonly width: number;
  readonly heads: number;
  readonly mlpHidden: number;
  readonly layerNormEpsilon: number;
  readonly kernelInit: Init;
}

export function createEncoderBlock(
  store: ParameterStore,
  name: string,
  options: EncoderBlockOptions,
): EncoderBlock {
  const { width, heads, mlpHidden, layerNormEpsilon: epsilon, kernelInit } = options;
  return {
    norm1: createLayerNorm(store, `${name}/norm1`, { size: width, epsilon }),
    attention: createSelfAttention(store, `${name}/attention`, { width, heads, kernelInit }),
    norm2: createLayerNorm(store, `${name}/norm2`, { size: width, epsilon }),
    mlp: [
      createDense(store, `${name}/mlp/dense0`, {
        inputSize: width,
        outputSize: mlpHidden,
        kernelInit,
      }),
      createDense(store, `${name}/mlp/dense1`, {
        inputSize: mlpHidden,
        outputSize: width,
        kernelInit,
      }),
    ],
  };
}

/** `x`: [N, T, width] -> [N, T, width]. */
export function applyEncoderBlock(
  block: EncoderBlock,
  x: tf.Tensor3D,
  causal: boolean,
): tf.Tensor3D {
  const attended = tf.add(
    x,
    applySelfAttention(block.attention, applyLayerNorm(block.norm1, x) as tf.Tensor3D, causal),
  );
  const hidden = gelu(applyDense(block.mlp[0], applyLayerNorm(block.norm2, attended)));
  return tf.add(attended, applyDense(block.mlp[1], hidden));
}
