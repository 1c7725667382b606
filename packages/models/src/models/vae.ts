import {
  rejectUnknownFields,
  requireInteger,
  requireIntegerArray,
  requireNonNegative,
  requireOneOf,
} from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { BaseModel } from '../base-model.js';
import { build, commonFields } from '../build.js';
import { glorotUniform, heNormal, type Init, torchDefault, zeros } from '../init.js';
import { requireShape } from '../input-shape.js';
import { ACTIVATIONS, type Activation, activate } from '../layers/activations.js';
import { applyDense, createDense, type Dense } from '../layers/dense.js';
import type { ParameterStore } from '../parameter-store.js';
import { requirePrefix } from '../prefix.js';
import { applyPreset } from '../presets.js';
import { seededNormal } from '../random.js';
import type { CommonConfig } from '../types.js';

export const VAE_INITS = ['torch', 'he'] as const;
export type VaeInit = (typeof VAE_INITS)[number];

/**
 * The paper's MLP variational autoencoder (Kingma & Welling 2014) for Fashion-MNIST, as in the
 * authors' notebook: encoder `inputSize -> hidden[0] -> hidden[1] ...` with LeakyReLU(0.2), then
 * two linear heads to the latent mean and log-variance; decoder `latent -> ...hidden reversed ->
 * inputSize` with LeakyReLU and a sigmoid output. Defaults: 784, hidden [50, 50], latent 50.
 *
 * `init: 'torch'` (default): weights and biases U(+-1/sqrt(fan_in)), PyTorch's default, as in the
 * paper's runs (its gamma = 200 is calibrated to that); `'he'`: He normal before LeakyReLU, Glorot
 * uniform for the heads and the output layer, zero biases.
 */
export interface VaeConfig extends CommonConfig {
  readonly kind: 'vae';
  /** Default 784. */
  readonly inputSize?: number;
  /** Encoder hidden widths (the decoder mirrors them); default [50, 50]. */
  readonly hidden?: readonly number[];
  /** Default 50. */
  readonly latent?: number;
  /** Hidden activation; default 'leakyRelu'. */
  readonly activation?: Activation;
  /** Default 0.2. */
  readonly leakyReluAlpha?: number;
  /** Default 'torch'. */
  readonly init?: VaeInit;
}

export interface ResolvedVaeConfig extends VaeConfig {
  readonly inputSize: number;
  readonly hidden: readonly number[];
  readonly latent: number;
  readonly activation: Activation;
  readonly leakyReluAlpha: number;
  readonly init: VaeInit;
  readonly seed: number;
}

/** Reparameterization noise epsilon ~ N(0, I): give exactly one of `seed` or `noise`. */
export interface VaeNoiseOptions {
  /**
   * Draw epsilon [N, latent] from the package's seeded PRNG (backend-independent). Use a new seed
   * per step (e.g. derived from the run seed and the step index) so a resumed run draws the same
   * noise bit for bit.
   */
  readonly seed?: number;
  /** epsilon itself, shape [N, latent]. */
  readonly noise?: tf.Tensor;
}

export interface VaeLossOptions extends VaeNoiseOptions {
  /** 'sum' (default, the paper): summed over the batch; 'mean': divided by the batch size N. */
  readonly reduction?: 'sum' | 'mean';
}

export interface VaeLossTerms {
  /** Sum over the batch and pixels of (x_hat - x)^2 (divided by N with reduction 'mean'). */
  readonly reconstruction: tf.Scalar;
  /** KL(q(z|x) || N(0, I)) summed over the batch and latent dimensions (divided by N with 'mean'). */
  readonly kl: tf.Scalar;
  /** reconstruction + kl. */
  readonly loss: tf.Scalar;
}

const FIELDS = [
  'kind',
  'inputSize',
  'hidden',
  'latent',
  'activation',
  'leakyReluAlpha',
  'init',
  'seed',
  'prefix',
  'preset',
];

export function resolveVaeConfig(config: VaeConfig): ResolvedVaeConfig {
  rejectUnknownFields('vae', config, FIELDS);
  requirePrefix(config.prefix);
  const resolved = {
    kind: 'vae' as const,
    ...commonFields(config),
    inputSize: requireInteger('inputSize', config.inputSize ?? 784, 1),
    hidden: requireIntegerArray('hidden', config.hidden ?? [50, 50], 1, true),
    latent: requireInteger('latent', config.latent ?? 50, 1),
    activation: requireOneOf('activation', config.activation ?? 'leakyRelu', ACTIVATIONS),
    leakyReluAlpha: requireNonNegative('leakyReluAlpha', config.leakyReluAlpha ?? 0.2),
    init: requireOneOf('init', config.init ?? 'torch', VAE_INITS),
  };
  requireInteger('seed', resolved.seed, 0);
  return resolved;
}

export class VaeModel extends BaseModel<ResolvedVaeConfig> {
  private readonly encoderLayers: readonly Dense[];
  private readonly meanHead: Dense;
  private readonly logVarHead: Dense;
  private readonly decoderLayers: readonly Dense[];
  private readonly outputLayer: Dense;

  constructor(config: ResolvedVaeConfig, store: ParameterStore, name = 'vae') {
    super(name, config, store);
    const hiddenInit = (fanIn: number, fanOut: number): Init => {
      if (config.init === 'torch') return torchDefault(fanIn);
      const a = config.activation;
      if (a === 'relu' || a === 'gelu' || a === 'softplus') return heNormal(fanIn);
      if (a === 'leakyRelu') return heNormal(fanIn, config.leakyReluAlpha);
      return glorotUniform(fanIn, fanOut);
    };
    const linearInit = (fanIn: number, fanOut: number): Init =>
      config.init === 'torch' ? torchDefault(fanIn) : glorotUniform(fanIn, fanOut);
    const dense = (name: string, fanIn: number, fanOut: number, init: Init): Dense =>
      createDense(store, name, {
        inputSize: fanIn,
        outputSize: fanOut,
        kernelInit: init,
        biasInit: config.init === 'torch' ? torchDefault(fanIn) : zeros,
      });

    const encoderSizes = [config.inputSize, ...config.hidden];
    this.encoderLayers = config.hidden.map((width, i) =>
      dense(`encoder/dense${i}`, encoderSizes[i]!, width, hiddenInit(encoderSizes[i]!, width)),
    );
    const code = encoderSizes[encoderSizes.length - 1]!;
    this.meanHead = dense('encoder/mean', code, config.latent, linearInit(code, config.latent));
    this.logVarHead = dense('encoder/logVar', code, config.latent, linearInit(code, config.latent));
    const decoderSizes = [config.latent, ...[...config.hidden].reverse()];
    this.decoderLayers = decoderSizes
      .slice(1)
      .map((width, i) =>
        dense(`decoder/dense${i}`, decoderSizes[i]!, width, hiddenInit(decoderSizes[i]!, width)),
      );
    const last = decoderSizes[decoderSizes.length - 1]!;
    this.outputLayer = dense(
      'decoder/output',
      last,
      config.inputSize,
      linearInit(last, config.inputSize),
    );
  }

  /** The approximate posterior q(z|x) = N(mean, exp(logVar)); x: [N, inputSize]. */
  encode(x: tf.Tensor): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    this.assertLive('encode');
    requireShape(`${this.name}.encode`, 'input', x, ['N', this.config.inputSize]);
    const [mean, logVar] = tf.tidy(() => {
      let h = x;
      for (const layer of this.encoderLayers) h = this.hidden(applyDense(layer, h));
      return [applyDense(this.meanHead, h), applyDense(this.logVarHead, h)] as tf.Tensor2D[];
    });
    return { mean: mean!, logVar: logVar! };
  }

  /** The decoder's pixel means in (0, 1); z: [N, latent] -> [N, inputSize]. */
  decode(z: tf.Tensor): tf.Tensor2D {
    this.assertLive('decode');
    requireShape(`${this.name}.decode`, 'latent code', z, ['N', this.config.latent]);
    return tf.tidy(() => {
      let h = z;
      for (const layer of this.decoderLayers) h = this.hidden(applyDense(layer, h));
      return tf.sigmoid(applyDense(this.outputLayer, h)) as tf.Tensor2D;
    });
  }

  /**
   * The loss terms with z = mean + exp(logVar / 2) * epsilon (the reparameterization trick):
   *
   *     reconstruction = sum_{n,i} (decode(z)_{n,i} - x_{n,i})^2
   *     kl             = -1/2 sum_{n,j} (1 + logVar_{n,j} - mean_{n,j}^2 - exp(logVar_{n,j}))
   *
   * — the authors' `mse_loss(x_hat, x, reduction='sum') + KLD`. With reduction 'mean' both are
   * divided by the batch size N.
   */
  lossTerms(x: tf.Tensor, options: VaeLossOptions): VaeLossTerms {
    this.assertLive('lossTerms');
    const [reconstruction, kl, loss] = tf.tidy(() => {
      const terms = this.terms(x, options, 'lossTerms');
      return [terms.reconstruction, terms.kl, terms.loss];
    });
    return { reconstruction: reconstruction!, kl: kl!, loss: loss! };
  }

  /** reconstruction + kl of {@link lossTerms}: the paper's VAE loss. */
  loss(x: tf.Tensor, options: VaeLossOptions): tf.Scalar {
    this.assertLive('loss');
    return tf.tidy(() => this.terms(x, options, 'loss').loss);
  }

  /** Decodes `count` draws z ~ N(0, I) from the prior. */
  sample(count: number, options: VaeNoiseOptions): tf.Tensor2D {
    this.assertLive('sample');
    requireInteger('count', count, 1);
    return tf.tidy(() => this.decode(this.noise(count, options, 'sample')));
  }

  /** The deterministic reconstruction decode(mean(x)); `training` changes nothing (no batch norm). */
  protected forward(x: tf.Tensor): tf.Tensor {
    requireShape(`${this.name}.apply`, 'input', x, ['N', this.config.inputSize]);
    return this.decode(this.encode(x).mean);
  }

  private terms(x: tf.Tensor, options: VaeLossOptions, method: string): VaeLossTerms {
    const reduction = requireOneOf('reduction', options.reduction ?? 'sum', ['sum', 'mean']);
    requireShape(`${this.name}.${method}`, 'input', x, ['N', this.config.inputSize]);
    const { mean, logVar } = this.encode(x);
    const n = x.shape[0]!;
    const epsilon = this.noise(n, options, method);
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), epsilon));
    const reconstruction = tf.sum(tf.squaredDifference(this.decode(z), x));
    const kl = tf.mul(
      tf.sum(tf.sub(tf.sub(tf.add(logVar, 1), tf.square(mean)), tf.exp(logVar))),
      -0.5,
    );
    const scale = reduction === 'mean' ? 1 / n : 1;
    const r = tf.mul(reconstruction, scale) as tf.Scalar;
    const k = tf.mul(kl, scale) as tf.Scalar;
    return { reconstruction: r, kl: k, loss: tf.add(r, k) as tf.Scalar };
  }

  private hidden(h: tf.Tensor): tf.Tensor {
    return activate(h, this.config.activation, this.config.leakyReluAlpha);
  }

  private noise(n: number, options: VaeNoiseOptions, method: string): tf.Tensor {
    const { seed, noise } = options;
    if ((seed === undefined) === (noise === undefined)) {
      throw new RangeError(
        `${this.name}.${method}: pass exactly one of {seed} or {noise} for the reparameterization noise (got ${seed === undefined ? 'neither' : 'both'})`,
      );
    }
    if (noise !== undefined) {
      requireShape(`${this.name}.${method}`, 'noise', noise, [n, this.config.latent]);
      return noise;
    }
    return seededNormal([n, this.config.latent], seed!, 'vae/noise');
  }
}

/** Builds the VAE; see {@link VaeConfig}. */
export function createVae(config: VaeConfig): VaeModel {
  const resolved = resolveVaeConfig(applyPreset(config));
  const name = resolved.preset ?? 'vae';
  return build(name, resolved, (store) => new VaeModel(resolved, store, name));
}
