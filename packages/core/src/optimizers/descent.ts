import { InvalidOptionError, requirePositive } from '@deltaclip/utils';
import { registerOptimizerClass } from '../serialization.js';
import { clipByGlobalNorm } from '../transforms/clip-by-global-norm.js';
import { type AdamOptions, scaleByAdam } from '../transforms/scale-by-adam.js';
import { type MomentumOptions, scaleByMomentum } from '../transforms/scale-by-momentum.js';
import type { GradientTransformation } from '../types.js';
import {
  ConfiguredOptimizer,
  type DescentConfig,
  type DescentOptions,
  descentChain,
  resolveDescent,
} from './configured-optimizer.js';

/**
 * Options of momentum and adam: optional global-norm clipping in front (Keras `global_clipnorm`).
 * sgd has none: clipping then SGD is GClip, whose one spelling is `gClip`.
 */
export interface ClippableOptions extends DescentOptions {
  /** Clip the raw gradient to this global L2 norm first (default: no clipping). */
  clipNorm?: number;
}

interface ClippableConfig extends DescentConfig {
  clipNorm: number | null;
}

function resolveClippable(options: ClippableOptions): ClippableConfig {
  const base = resolveDescent(options);
  return {
    ...base,
    clipNorm: options.clipNorm == null ? null : requirePositive('clipNorm', options.clipNorm),
  };
}

function clipFirst(config: ClippableConfig): GradientTransformation[] {
  return config.clipNorm === null ? [] : [clipByGlobalNorm(config.clipNorm)];
}

/**
 * Plain gradient descent, w <- w - eta_t g, as a sync-free, guarded, serializable optimizer.
 * For clipped SGD use `gClip({ learningRate, gamma })`: clip to gamma, then SGD.
 */
export class SgdOptimizer extends ConfiguredOptimizer<DescentConfig> {
  static override get className(): string {
    return 'deltaclip.SGD';
  }

  constructor(options: DescentOptions) {
    if (options !== null && typeof options === 'object' && 'clipNorm' in options) {
      throw new InvalidOptionError(
        `sgd has no clipNorm (got ${String((options as { clipNorm: unknown }).clipNorm)}): clipping then SGD is GClip, write gClip({ learningRate, gamma: clipNorm })`,
      );
    }
    const config = resolveDescent(options);
    super(descentChain(config, []), config, options.telemetry);
  }
}

export interface MomentumOptimizerOptions extends ClippableOptions, MomentumOptions {}
interface MomentumConfig extends ClippableConfig {
  momentum: number;
  nesterov: boolean;
}

/** Heavy-ball momentum (tf.train.momentum's update), optionally Nesterov and clipped. */
export class MomentumOptimizer extends ConfiguredOptimizer<MomentumConfig> {
  static override get className(): string {
    return 'deltaclip.Momentum';
  }

  constructor(options: MomentumOptimizerOptions) {
    const direction = scaleByMomentum(options);
    const config: MomentumConfig = {
      ...resolveClippable(options),
      momentum: direction.config.momentum as number,
      nesterov: direction.config.nesterov as boolean,
    };
    super(descentChain(config, [direction], clipFirst(config)), config, options.telemetry);
  }
}

export interface AdamOptimizerOptions extends ClippableOptions, AdamOptions {}
interface AdamConfig extends ClippableConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Adam (tf.train.adam's update) as a transform chain: exactly resumable from getWeights, sync-free,
 * guarded against non-finite gradients, optionally clipped, with coupled (L2) or decoupled (AdamW)
 * weight decay.
 */
export class AdamOptimizer extends ConfiguredOptimizer<AdamConfig> {
  static override get className(): string {
    return 'deltaclip.Adam';
  }

  constructor(options: AdamOptimizerOptions) {
    const direction = scaleByAdam(options);
    const config: AdamConfig = {
      ...resolveClippable(options),
      beta1: direction.config.beta1 as number,
      beta2: direction.config.beta2 as number,
      epsilon: direction.config.epsilon as number,
    };
    super(descentChain(config, [direction], clipFirst(config)), config, options.telemetry);
  }
}

registerOptimizerClass(SgdOptimizer, 'DeltaClipSGD');
registerOptimizerClass(MomentumOptimizer, 'DeltaClipMomentum');
registerOptimizerClass(AdamOptimizer, 'DeltaClipAdam');

/** Gradient descent (for clipped gradient descent, {@link gClip} in ./delta-gclip.ts). */
export function sgd(options: DescentOptions): SgdOptimizer {
  return new SgdOptimizer(options);
}

/** Momentum; `clipNorm` adds global-norm clipping. */
export function momentum(options: MomentumOptimizerOptions): MomentumOptimizer {
  return new MomentumOptimizer(options);
}

/** Adam; `clipNorm` adds global-norm clipping; `weightDecay` (+ `decoupledWeightDecay`) gives L2 or AdamW. */
export function adam(options: AdamOptimizerOptions): AdamOptimizer {
  return new AdamOptimizer(options);
}
