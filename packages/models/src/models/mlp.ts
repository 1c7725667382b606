import {
  rejectUnknownFields,
  requireBoolean,
  requireInteger,
  requireIntegerArray,
  requireNonNegative,
  requireOneOf,
} from '@deltaclip/utils';
import type * as tf from '@tensorflow/tfjs-core';
import { BaseModel } from '../base-model.js';
import { build, commonFields } from '../build.js';
import { glorotUniform, heNormal, type Init } from '../init.js';
import { requireShape } from '../input-shape.js';
import { ACTIVATIONS, type Activation, activate } from '../layers/activations.js';
import { applyDense, createDense, type Dense } from '../layers/dense.js';
import type { ParameterStore } from '../parameter-store.js';
import { requirePrefix } from '../prefix.js';
import { applyPreset } from '../presets.js';
import type { CommonConfig } from '../types.js';

export const PARAMETERIZATIONS = ['standard', 'ntk'] as const;
export type Parameterization = (typeof PARAMETERIZATIONS)[number];

/**
 * A multilayer perceptron `inputSize -> hidden[0] -> ... -> outputSize`, with `activation` after
 * every hidden layer and a linear output layer.
 *
 * Standard parameterization, `z = h W + b`, b = 0 at init and W drawn by the activation that
 * follows the layer: He normal N(0, 2 / ((1 + alpha^2) fan_in)) before relu, gelu, softplus and
 * leakyRelu (alpha its slope, 0 otherwise); Glorot uniform U(+-sqrt(6 / (fan_in + fan_out))) before
 * tanh, sigmoid, linear and for the output layer.
 *
 * NTK parameterization (Jacot et al. 2018), `z = (sigma_w / sqrt(fan_in)) h W + sigma_b b` with
 * every entry of W and b drawn from N(0, 1); sigma_w = `weightScale` (default 1), sigma_b =
 * `biasScale` (default 0.1, the beta of Jacot et al.). The scale sits in the forward pass, not in
 * the weights, so gradients and step sizes see the NTK scaling.
 */
export interface MlpConfig extends CommonConfig {
  readonly kind: 'mlp';
  readonly inputSize: number;
  /** Hidden layer widths; default [] (a linear model). */
  readonly hidden?: readonly number[];
  readonly outputSize: number;
  /** Default 'relu'. */
  readonly activation?: Activation;
  /** Default 'standard'. */
  readonly parameterization?: Parameterization;
  /** Whether layers have biases; default true. */
  readonly bias?: boolean;
  /** Negative slope of 'leakyRelu'; default 0.2. */
  readonly leakyReluAlpha?: number;
  /** NTK only: sigma_w, default 1. */
  readonly weightScale?: number;
  /** NTK only: sigma_b, default 0.1. */
  readonly biasScale?: number;
}

export interface ResolvedMlpConfig extends MlpConfig {
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly parameterization: Parameterization;
  readonly bias: boolean;
  readonly leakyReluAlpha: number;
  readonly seed: number;
}

const FIELDS = [
  'kind',
  'inputSize',
  'hidden',
  'outputSize',
  'activation',
  'parameterization',
  'bias',
  'leakyReluAlpha',
  'weightScale',
  'biasScale',
  'seed',
  'prefix',
  'preset',
];

export function resolveMlpConfig(config: MlpConfig): ResolvedMlpConfig {
  rejectUnknownFields('mlp', config, FIELDS);
  const parameterization = requireOneOf(
    'parameterization',
    config.parameterization ?? 'standard',
    PARAMETERIZATIONS,
  );
  requirePrefix(config.prefix);
  const resolved = {
    kind: 'mlp' as const,
    ...commonFields(config),
    inputSize: requireInteger('inputSize', config.inputSize, 1),
    hidden: requireIntegerArray('hidden', config.hidden ?? [], 1, true),
    outputSize: requireInteger('outputSize', config.outputSize, 1),
    activation: requireOneOf('activation', config.activation ?? 'relu', ACTIVATIONS),
    parameterization,
    bias: requireBoolean('bias', config.bias ?? true),
    leakyReluAlpha: requireNonNegative('leakyReluAlpha', config.leakyReluAlpha ?? 0.2),
  };
  requireInteger('seed', resolved.seed, 0);
  if (parameterization === 'standard') {
    for (const key of ['weightScale', 'biasScale'] as const) {
      if (config[key] !== undefined) {
        throw new RangeError(
          `${key} applies to parameterization 'ntk' only (got ${key} ${config[key]} with 'standard')`,
        );
      }
    }
    return resolved;
  }
  return {
    ...resolved,
    weightScale: requireNonNegative('weightScale', config.weightScale ?? 1),
    biasScale: requireNonNegative('biasScale', config.biasScale ?? 0.1),
  };
}

export class MlpModel extends BaseModel<ResolvedMlpConfig> {
  /** The layers in order; the last is the output layer. Variables `dense{i}/kernel`, `dense{i}/bias`. */
  readonly layers: readonly Dense[];

  constructor(config: ResolvedMlpConfig, store: ParameterStore, name = 'mlp') {
    super(name, config, store);
    const sizes = [config.inputSize, ...config.hidden, config.outputSize];
    const ntk = config.parameterization === 'ntk';
    const layers: Dense[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const fanIn = sizes[i]!;
      const fanOut = sizes[i + 1]!;
      const isOutput = i + 2 === sizes.length;
      layers.push(
        createDense(store, `dense${i}`, {
          inputSize: fanIn,
          outputSize: fanOut,
          kernelInit: ntk
            ? { kind: 'normal', std: 1 }
            : standardInit(fanIn, fanOut, isOutput ? 'linear' : config.activation, config),
          biasInit: config.bias ? (ntk ? { kind: 'normal', std: 1 } : undefined) : null,
          scale: ntk ? (config.weightScale ?? 1) / Math.sqrt(fanIn) : 1,
          biasScale: ntk ? (config.biasScale ?? 0.1) : 1,
        }),
      );
    }
    this.layers = layers;
  }

  protected forward(x: tf.Tensor): tf.Tensor {
    requireShape(`${this.name}.apply`, 'input', x, ['N', this.config.inputSize]);
    let h = x;
    this.layers.forEach((layer, i) => {
      h = applyDense(layer, h);
      if (i + 1 < this.layers.length) {
        h = activate(h, this.config.activation, this.config.leakyReluAlpha);
      }
    });
    return h;
  }
}

function standardInit(
  fanIn: number,
  fanOut: number,
  activation: Activation,
  config: ResolvedMlpConfig,
): Init {
  switch (activation) {
    case 'relu':
    case 'gelu':
    case 'softplus':
      return heNormal(fanIn);
    case 'leakyRelu':
      return heNormal(fanIn, config.leakyReluAlpha);
    case 'tanh':
    case 'sigmoid':
    case 'linear':
      return glorotUniform(fanIn, fanOut);
  }
}

/** Builds an MLP; see {@link MlpConfig}. */
export function createMlp(config: MlpConfig): MlpModel {
  const resolved = resolveMlpConfig(applyPreset(config));
  return build(
    resolved.preset ?? 'mlp',
    resolved,
    (store) => new MlpModel(resolved, store, resolved.preset ?? 'mlp'),
  );
}
