import {
  rejectUnknownFields,
  requireInRange,
  requireInteger,
  requireIntegerArray,
  requireOneOf,
  requirePositive,
} from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { BaseModel } from '../base-model.js';
import { build, commonFields } from '../build.js';
import { glorotUniform, heNormal, type Init, torchDefault, zeros } from '../init.js';
import { requireShape } from '../input-shape.js';
import { applyBatchNorm, type BatchNorm, createBatchNorm } from '../layers/batch-norm.js';
import { applyConv2d, type Conv2d, createConv2d } from '../layers/conv2d.js';
import { applyDense, createDense, type Dense } from '../layers/dense.js';
import type { ParameterStore } from '../parameter-store.js';
import { requirePrefix } from '../prefix.js';
import { applyPreset } from '../presets.js';
import type { CommonConfig } from '../types.js';

export const RESNET_INITS = ['torch', 'he'] as const;
export type ResNetInit = (typeof RESNET_INITS)[number];

/**
 * The CIFAR ResNet of He et al. 2016 in the form the paper trains (kuangliu/pytorch-cifar):
 * a 3x3 stem convolution (stride 1, `widths[0]` channels) + batch norm + ReLU; stage s has
 * `blocks[s]` BasicBlocks of `widths[s]` channels, the first with stride 2 for s > 0; a BasicBlock
 * is conv3x3-BN-ReLU-conv3x3-BN plus the shortcut (identity, or conv1x1-BN when the stride or width
 * changes), then ReLU; global average pooling and a dense layer to `numClasses` logits.
 * Convolutions have no bias and pad 1 pixel on every side, as in PyTorch.
 *
 * Input NHWC [N, H, W, inputChannels] (CIFAR: [N, 32, 32, 3]). The defaults are ResNet-18:
 * widths [64, 128, 256, 512], blocks [2, 2, 2, 2], 11,173,962 parameters with 10 classes.
 *
 * `init: 'torch'` (default) draws every convolution and dense weight and the dense bias from
 * U(+-1/sqrt(fan_in)), PyTorch's default, so gradient norms (and so gamma) match the paper's runs;
 * `'he'` uses He normal N(0, 2/fan_in) for convolutions, Glorot uniform for the dense layer and a
 * zero bias. Batch norm: gamma 1, beta 0, PyTorch momentum 0.1 and epsilon 1e-5 (see BatchNorm).
 */
export interface ResNetConfig extends CommonConfig {
  readonly kind: 'resnet';
  /** Channels per stage; default [64, 128, 256, 512]. */
  readonly widths?: readonly number[];
  /** BasicBlocks per stage; default [2, 2, 2, 2]. */
  readonly blocks?: readonly number[];
  /** Default 10. */
  readonly numClasses?: number;
  /** Default 3. */
  readonly inputChannels?: number;
  /** Default 'torch'. */
  readonly init?: ResNetInit;
  /** Weight of the batch statistic in the running statistics; default 0.1. */
  readonly batchNormMomentum?: number;
  /** Default 1e-5. */
  readonly batchNormEpsilon?: number;
}

export interface ResolvedResNetConfig extends ResNetConfig {
  readonly widths: readonly number[];
  readonly blocks: readonly number[];
  readonly numClasses: number;
  readonly inputChannels: number;
  readonly init: ResNetInit;
  readonly batchNormMomentum: number;
  readonly batchNormEpsilon: number;
  readonly seed: number;
}

const FIELDS = [
  'kind',
  'widths',
  'blocks',
  'numClasses',
  'inputChannels',
  'init',
  'batchNormMomentum',
  'batchNormEpsilon',
  'seed',
  'prefix',
  'preset',
];

export function resolveResNetConfig(config: ResNetConfig): ResolvedResNetConfig {
  rejectUnknownFields('resnet', config, FIELDS);
  requirePrefix(config.prefix);
  const widths = requireIntegerArray('widths', config.widths ?? [64, 128, 256, 512], 1);
  const blocks = requireIntegerArray('blocks', config.blocks ?? [2, 2, 2, 2], 1);
  if (widths.length !== blocks.length) {
    throw new RangeError(
      `widths and blocks must have one entry per stage (got ${widths.length} widths [${widths.join(', ')}] and ${blocks.length} blocks [${blocks.join(', ')}])`,
    );
  }
  const resolved = {
    kind: 'resnet' as const,
    ...commonFields(config),
    widths,
    blocks,
    numClasses: requireInteger('numClasses', config.numClasses ?? 10, 1),
    inputChannels: requireInteger('inputChannels', config.inputChannels ?? 3, 1),
    init: requireOneOf('init', config.init ?? 'torch', RESNET_INITS),
    batchNormMomentum: requireInRange('batchNormMomentum', config.batchNormMomentum ?? 0.1, 0, 1),
    batchNormEpsilon: requirePositive('batchNormEpsilon', config.batchNormEpsilon ?? 1e-5),
  };
  requireInteger('seed', resolved.seed, 0);
  return resolved;
}

interface ConvBn {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
}

interface BasicBlock {
  readonly first: ConvBn;
  readonly second: ConvBn;
  readonly shortcut: ConvBn | null;
}

export class ResNetModel extends BaseModel<ResolvedResNetConfig> {
  private readonly stem: ConvBn;
  private readonly stages: readonly (readonly BasicBlock[])[];
  private readonly head: Dense;

  constructor(config: ResolvedResNetConfig, store: ParameterStore, name = 'resnet') {
    super(name, config, store);
    const convBn = (
      prefix: string,
      inChannels: number,
      outChannels: number,
      size: number,
      stride: number,
    ): ConvBn => ({
      conv: createConv2d(store, `${prefix}/conv`, {
        size,
        inChannels,
        outChannels,
        stride,
        padding: size === 3 ? 1 : 0,
        init: convInit(config.init, size * size * inChannels),
      }),
      bn: createBatchNorm(store, `${prefix}/bn`, {
        channels: outChannels,
        momentum: config.batchNormMomentum,
        epsilon: config.batchNormEpsilon,
      }),
    });
    let channels = config.widths[0]!;
    this.stem = convBn('stem', config.inputChannels, channels, 3, 1);
    this.stages = config.widths.map((width, s) =>
      Array.from({ length: config.blocks[s]! }, (_, b) => {
        const stride = s > 0 && b === 0 ? 2 : 1;
        const at = `stage${s}/block${b}`;
        const block: BasicBlock = {
          first: convBn(`${at}/first`, channels, width, 3, stride),
          second: convBn(`${at}/second`, width, width, 3, 1),
          shortcut:
            stride !== 1 || channels !== width
              ? convBn(`${at}/shortcut`, channels, width, 1, stride)
              : null,
        };
        channels = width;
        return block;
      }),
    );
    const fanIn = channels;
    this.head = createDense(store, 'head', {
      inputSize: fanIn,
      outputSize: config.numClasses,
      kernelInit:
        config.init === 'torch' ? torchDefault(fanIn) : glorotUniform(fanIn, config.numClasses),
      biasInit: config.init === 'torch' ? torchDefault(fanIn) : zeros,
    });
  }

  protected forward(x: tf.Tensor, training: boolean): tf.Tensor {
    requireShape(`${this.name}.apply`, 'NHWC input', x, ['N', 'H', 'W', this.config.inputChannels]);
    const convBn = (unit: ConvBn, input: tf.Tensor4D): tf.Tensor4D =>
      applyBatchNorm(unit.bn, applyConv2d(unit.conv, input), training) as tf.Tensor4D;
    let h = tf.relu(convBn(this.stem, x as tf.Tensor4D));
    for (const stage of this.stages) {
      for (const block of stage) {
        const out = convBn(block.second, tf.relu(convBn(block.first, h)));
        const shortcut = block.shortcut === null ? h : convBn(block.shortcut, h);
        h = tf.relu(tf.add(out, shortcut));
      }
    }
    return applyDense(this.head, tf.mean(h, [1, 2]));
  }
}

function convInit(init: ResNetInit, fanIn: number): Init {
  return init === 'torch' ? torchDefault(fanIn) : heNormal(fanIn);
}

/** Builds a CIFAR ResNet; see {@link ResNetConfig}. */
export function createResNet(config: ResNetConfig): ResNetModel {
  const resolved = resolveResNetConfig(applyPreset(config));
  const name = resolved.preset ?? 'resnet';
  return build(name, resolved, (store) => new ResNetModel(resolved, store, name));
}
