import {
  formatShape,
  rejectUnknownFields,
  requireBoolean,
  requireInteger,
  requireOneOf,
  requirePositive,
} from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { BaseModel } from '../base-model.js';
import { build, commonFields } from '../build.js';
import { InputShapeError } from '../errors.js';
import { zeros } from '../init.js';
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

export const EMBEDDING_LOOKUPS = ['gather', 'oneHot'] as const;
export type EmbeddingLookup = (typeof EMBEDDING_LOOKUPS)[number];

/**
 * A small transformer encoder for token sequences (copy, reverse, ...): token embedding
 * `embedding` [vocabSize, width] plus learned position embeddings `position`
 * [sequenceLength, width], `depth` pre-norm encoder blocks (as in the ViT), a final layer norm and
 * a dense head giving per-position logits [N, T, outputSize].
 *
 * Attention is bidirectional unless `causal` (position t sees positions <= t). `embedding:
 * 'gather'` (default) looks tokens up with `tf.gather`; `'oneHot'` multiplies one-hot rows by the
 * table, which trains on backends whose gather has no gradient kernel (tfjs-backend-wasm).
 * Init as the ViT: N(0, 0.02^2) truncated at 2 std for kernels and both embeddings, zero biases.
 *
 * Input: integer tokens [N, T] with T <= sequenceLength (int32, or float holding integers).
 */
export interface TransformerConfig extends CommonConfig {
  readonly kind: 'transformer';
  readonly vocabSize: number;
  /** Longest sequence the position embeddings cover. */
  readonly sequenceLength: number;
  /** Default 64. */
  readonly width?: number;
  /** Default 2. */
  readonly depth?: number;
  /** Default 4. */
  readonly heads?: number;
  /** Default 2. */
  readonly mlpRatio?: number;
  /** Logits per position; default vocabSize. */
  readonly outputSize?: number;
  /** Default false. */
  readonly causal?: boolean;
  /** Default 'gather'. */
  readonly embedding?: EmbeddingLookup;
  /** Default 1e-5. */
  readonly layerNormEpsilon?: number;
}

export interface ResolvedTransformerConfig extends TransformerConfig {
  readonly width: number;
  readonly depth: number;
  readonly heads: number;
  readonly mlpRatio: number;
  readonly outputSize: number;
  readonly causal: boolean;
  readonly embedding: EmbeddingLookup;
  readonly layerNormEpsilon: number;
  readonly seed: number;
}

const FIELDS = [
  'kind',
  'vocabSize',
  'sequenceLength',
  'width',
  'depth',
  'heads',
  'mlpRatio',
  'outputSize',
  'causal',
  'embedding',
  'layerNormEpsilon',
  'seed',
  'prefix',
  'preset',
];

export function resolveTransformerConfig(config: TransformerConfig): ResolvedTransformerConfig {
  rejectUnknownFields('transformer', config, FIELDS);
  requirePrefix(config.prefix);
  const vocabSize = requireInteger('vocabSize', config.vocabSize, 1);
  const resolved = {
    kind: 'transformer' as const,
    ...commonFields(config),
    vocabSize,
    sequenceLength: requireInteger('sequenceLength', config.sequenceLength, 1),
    width: requireInteger('width', config.width ?? 64, 1),
    depth: requireInteger('depth', config.depth ?? 2, 0),
    heads: requireInteger('heads', config.heads ?? 4, 1),
    mlpRatio: requirePositive('mlpRatio', config.mlpRatio ?? 2),
    outputSize: requireInteger('outputSize', config.outputSize ?? vocabSize, 1),
    causal: requireBoolean('causal', config.causal ?? false),
    embedding: requireOneOf('embedding', config.embedding ?? 'gather', EMBEDDING_LOOKUPS),
    layerNormEpsilon: requirePositive('layerNormEpsilon', config.layerNormEpsilon ?? 1e-5),
  };
  requireInteger('seed', resolved.seed, 0);
  requireHeadsDivideWidth(resolved.heads, resolved.width);
  return resolved;
}

export class TransformerModel extends BaseModel<ResolvedTransformerConfig> {
  private readonly tokenEmbedding: tf.Variable;
  private readonly positionEmbedding: tf.Variable;
  private readonly trunk: EncoderTrunk;
  private readonly head: Dense;

  constructor(config: ResolvedTransformerConfig, store: ParameterStore, name = 'transformer') {
    super(name, config, store);
    const { width } = config;
    const kernelInit = TRANSFORMER_KERNEL_INIT;
    this.tokenEmbedding = store.weight('embedding', [config.vocabSize, width], kernelInit);
    this.positionEmbedding = store.weight('position', [config.sequenceLength, width], kernelInit);
    this.trunk = createEncoderTrunk(store, config);
    this.head = createDense(store, 'head', {
      inputSize: width,
      outputSize: config.outputSize,
      kernelInit,
      biasInit: zeros,
    });
  }

  protected forward(x: tf.Tensor): tf.Tensor {
    const { sequenceLength, vocabSize, width } = this.config;
    const [n, t] = x.shape;
    if (x.rank !== 2 || t! < 1 || t! > sequenceLength) {
      throw new InputShapeError(
        `${this.name}.apply: expected integer tokens of shape [N, T] with 1 <= T <= ${sequenceLength} (got ${formatShape(x.shape)})`,
      );
    }
    const tokens = x.dtype === 'int32' ? (x as tf.Tensor2D) : (tf.cast(x, 'int32') as tf.Tensor2D);
    const embedded =
      this.config.embedding === 'gather'
        ? tf.gather(this.tokenEmbedding, tokens)
        : tf.reshape(
            tf.matMul(
              // oneHot(..., 'float32') is wrong on tfjs-backend-wasm 4.22 (int32 bits): cast instead.
              tf.cast(tf.oneHot(tf.reshape(tokens, [-1]), vocabSize), 'float32') as tf.Tensor2D,
              this.tokenEmbedding as tf.Tensor2D,
            ),
            [n!, t!, width],
          );
    const h = tf.add(
      embedded,
      tf.slice(this.positionEmbedding, [0, 0], [t!, width]),
    ) as tf.Tensor3D;
    return applyDense(this.head, applyEncoderTrunk(this.trunk, h, this.config.causal));
  }
}

/** Builds a transformer encoder; see {@link TransformerConfig}. */
export function createTransformer(config: TransformerConfig): TransformerModel {
  const resolved = resolveTransformerConfig(applyPreset(config));
  const name = resolved.preset ?? 'transformer';
  return build(name, resolved, (store) => new TransformerModel(resolved, store, name));
}
