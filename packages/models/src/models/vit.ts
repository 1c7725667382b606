import {
  rejectUnknownFields,
  requireInteger,
  requireOneOf,
  requirePositive,
} from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { BaseModel } from '../base-model.js';
import { build, commonFields } from '../build.js';
import { zeros } from '../init.js';
import { requireShape } from '../input-shape.js';
import { applyDense, createDense, type Dense } from '../layers/dense.js';
import {
  applyEncoderTrunk,
  createEncoderTrunk,
  type EncoderTrunk,
  requireHeadsDivideWidth,
  TRANSFORMER_KERNEL_INIT,
} from '../layers/encoder-trunk.js';
import type { ParameterStore } from '../parameter-store.js';
import { requirePrefix } from '../prefix.js';
import { applyPreset } from '../presets.js';
import type { CommonConfig } from '../types.js';

export const VIT_POOLINGS = ['cls', 'mean'] as const;
export type VitPooling = (typeof VIT_POOLINGS)[number];

/**
 * A Vision Transformer (Dosovitskiy et al. 2021), in the form of the DINO `vit_tiny` the paper
 * trains: non-overlapping `patchSize` patches flattened (row, column, channel) and projected to
 * `width` (with bias), a learned class token, learned position embeddings, `depth` pre-norm encoder
 * blocks (multi-head self-attention with `heads` heads and a GELU MLP of `mlpRatio * width`
 * units), a final layer norm, and a dense head on the class token (`pooling: 'cls'`) or on the
 * mean of the patch tokens (`'mean'`, no class token).
 *
 * Init as DINO: every dense kernel, the class token and the position embeddings ~ N(0, 0.02^2)
 * truncated at 2 std; biases 0; layer norms gamma 1, beta 0, epsilon 1e-6.
 *
 * Input NHWC [N, imageSize, imageSize, channels]. Defaults (preset 'vit-mini'): 32x32x3 images,
 * patch 4, width 64, depth 4, 4 heads, MLP ratio 2, 10 classes. 'vit-tiny': 64x64, patch 16, width
 * 192, depth 12, 3 heads, MLP ratio 4 (5,491,786 parameters with 10 classes).
 */
export interface VitConfig extends CommonConfig {
  readonly kind: 'vit';
  /** Side of the square input image; default 32. */
  readonly imageSize?: number;
  /** Default 3. */
  readonly channels?: number;
  /** Side of a square patch; must divide imageSize. Default 4. */
  readonly patchSize?: number;
  /** Token width; default 64. */
  readonly width?: number;
  /** Encoder blocks; default 4. */
  readonly depth?: number;
  /** Attention heads; must divide width. Default 4. */
  readonly heads?: number;
  /** MLP hidden units = round(mlpRatio * width); default 2. */
  readonly mlpRatio?: number;
  /** Default 10. */
  readonly numClasses?: number;
  /** Default 'cls'. */
  readonly pooling?: VitPooling;
  /** Default 1e-6. */
  readonly layerNormEpsilon?: number;
}

export interface ResolvedVitConfig extends VitConfig {
  readonly imageSize: number;
  readonly channels: number;
  readonly patchSize: number;
  readonly width: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlpRatio: number;
  readonly numClasses: number;
  readonly pooling: VitPooling;
  readonly layerNormEpsilon: number;
  readonly seed: number;
}

const FIELDS = [
  'kind',
  'imageSize',
  'channels',
  'patchSize',
  'width',
  'depth',
  'heads',
  'mlpRatio',
  'numClasses',
  'pooling',
  'layerNormEpsilon',
  'seed',
  'prefix',
  'preset',
];

export function resolveVitConfig(config: VitConfig): ResolvedVitConfig {
  rejectUnknownFields('vit', config, FIELDS);
  requirePrefix(config.prefix);
  const resolved = {
    kind: 'vit' as const,
    ...commonFields(config),
    imageSize: requireInteger('imageSize', config.imageSize ?? 32, 1),
    channels: requireInteger('channels', config.channels ?? 3, 1),
    patchSize: requireInteger('patchSize', config.patchSize ?? 4, 1),
    width: requireInteger('width', config.width ?? 64, 1),
    depth: requireInteger('depth', config.depth ?? 4, 0),
    heads: requireInteger('heads', config.heads ?? 4, 1),
    mlpRatio: requirePositive('mlpRatio', config.mlpRatio ?? 2),
    numClasses: requireInteger('numClasses', config.numClasses ?? 10, 1),
    pooling: requireOneOf('pooling', config.pooling ?? 'cls', VIT_POOLINGS),
    layerNormEpsilon: requirePositive('layerNormEpsilon', config.layerNormEpsilon ?? 1e-6),
  };
  requireInteger('seed', resolved.seed, 0);
  if (resolved.imageSize % resolved.patchSize !== 0) {
    throw new RangeError(
      `patchSize must divide imageSize (got patchSize ${resolved.patchSize}, imageSize ${resolved.imageSize})`,
    );
  }
  requireHeadsDivideWidth(resolved.heads, resolved.width);
  return resolved;
}

export class VitModel extends BaseModel<ResolvedVitConfig> {
  private readonly patchEmbedding: Dense;
  private readonly classToken: tf.Variable | null;
  private readonly positionEmbedding: tf.Variable;
  private readonly trunk: EncoderTrunk;
  private readonly head: Dense;

  constructor(config: ResolvedVitConfig, store: ParameterStore, name = 'vit') {
    super(name, config, store);
    const { width, patchSize, channels } = config;
    const kernelInit = TRANSFORMER_KERNEL_INIT;
    this.patchEmbedding = createDense(store, 'patch', {
      inputSize: patchSize * patchSize * channels,
      outputSize: width,
      kernelInit,
    });
    const patches = (config.imageSize / patchSize) ** 2;
    this.classToken =
      config.pooling === 'cls' ? store.weight('cls', [1, 1, width], kernelInit) : null;
    const tokens = patches + (this.classToken === null ? 0 : 1);
    this.positionEmbedding = store.weight('position', [1, tokens, width], kernelInit);
    this.trunk = createEncoderTrunk(store, config);
    this.head = createDense(store, 'head', {
      inputSize: width,
      outputSize: config.numClasses,
      kernelInit,
      biasInit: zeros,
    });
  }

  protected forward(x: tf.Tensor): tf.Tensor {
    const { imageSize, channels, patchSize, width } = this.config;
    requireShape(`${this.name}.apply`, 'NHWC input', x, ['N', imageSize, imageSize, channels]);
    const n = x.shape[0]!;
    const grid = imageSize / patchSize;
    // [N, H, W, C] -> [N*grid, p, grid, p*C] -> [N*grid, grid, p, p*C] -> [N, grid^2, p*p*C]:
    // only rank-4 transposes, which every backend implements.
    const patches = tf.reshape(
      tf.transpose(tf.reshape(x, [n * grid, patchSize, grid, patchSize * channels]), [0, 2, 1, 3]),
      [n, grid * grid, patchSize * patchSize * channels],
    );
    let h = applyDense(this.patchEmbedding, patches) as tf.Tensor3D;
    if (this.classToken !== null) {
      h = tf.concat([tf.tile(this.classToken, [n, 1, 1]) as tf.Tensor3D, h], 1);
    }
    h = tf.add(h, this.positionEmbedding);
    h = applyEncoderTrunk(this.trunk, h, false);
    const pooled =
      this.classToken !== null
        ? tf.reshape(tf.slice(h, [0, 0, 0], [n, 1, width]), [n, width])
        : tf.mean(h, 1);
    return applyDense(this.head, pooled);
  }
}

/** Builds a ViT; see {@link VitConfig}. */
export function createVit(config: VitConfig): VitModel {
  const resolved = resolveVitConfig(applyPreset(config));
  const name = resolved.preset ?? 'vit';
  return build(name, resolved, (store) => new VitModel(resolved, store, name));
}
