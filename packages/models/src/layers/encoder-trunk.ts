import { InvalidOptionError } from '@deltaclip/utils';
import type * as tf from '@tensorflow/tfjs-core';
import type { Init } from '../init.js';
import type { ParameterStore } from '../parameter-store.js';
import { applyEncoderBlock, createEncoderBlock, type EncoderBlock } from './encoder-block.js';
import { applyLayerNorm, createLayerNorm, type LayerNorm } from './layer-norm.js';

/** DINO / timm: N(0, 0.02^2) truncated at 2 std, for every kernel of a transformer. */
export const TRANSFORMER_KERNEL_INIT: Init = { kind: 'truncatedNormal', std: 0.02 };

export function requireHeadsDivideWidth(heads: number, width: number): void {
  if (width % heads !== 0) {
    throw new InvalidOptionError(`heads must divide width (got heads ${heads}, width ${width})`);
  }
}

export interface EncoderTrunkOptions {
  readonly width: number;
  readonly depth: number;
  readonly heads: number;
  /** Hidden width of each block's MLP as a multiple of `width`. */
  readonly mlpRatio: number;
  readonly layerNormEpsilon: number;
}

/**
 * The trunk the ViT and the transformer encoder share: `depth` pre-norm encoder blocks
 * (`block0`, `block1`, ...) and a final layer norm (`norm`). Embedding and head are the models' own.
 */
export interface EncoderTrunk {
  readonly blocks: readonly EncoderBlock[];
  readonly norm: LayerNorm;
}

export function createEncoderTrunk(
  store: ParameterStore,
  options: EncoderTrunkOptions,
): EncoderTrunk {
  const { width, heads, layerNormEpsilon } = options;
  const blocks = Array.from({ length: options.depth }, (_, i) =>
    createEncoderBlock(store, `block${i}`, {
      width,
      heads,
      mlpHidden: Math.max(1, Math.round(options.mlpRatio * width)),
      layerNormEpsilon,
      kernelInit: TRANSFORMER_KERNEL_INIT,
    }),
  );
  const norm = createLayerNorm(store, 'norm', { size: width, epsilon: layerNormEpsilon });
  return { blocks, norm };
}

/** Tokens [N, T, width] through every block (causal attention if asked), then the final norm. */
export function applyEncoderTrunk(
  trunk: EncoderTrunk,
  h: tf.Tensor3D,
  causal: boolean,
): tf.Tensor3D {
  let x = h;
  for (const block of trunk.blocks) x = applyEncoderBlock(block, x, causal);
  return applyLayerNorm(trunk.norm, x) as tf.Tensor3D;
}
