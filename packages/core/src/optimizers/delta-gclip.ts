import { requireNonNegative, requirePositive } from '@deltaclip/utils';
import type * as tf from '@tensorflow/tfjs-core';
import { registerOptimizerClass } from '../serialization.js';
import { deltaGClipPerTensorScale } from '../transforms/delta-gclip-per-tensor-scale.js';
import { deltaGClipScale } from '../transforms/delta-gclip-scale.js';
import {
  ConfiguredOptimizer,
  type DescentConfig,
  type DescentOptions,
  descentChain,
  resolveDescent,
} from './configured-optimizer.js';

/** Options of GClip. */
export interface ClippedSgdOptions extends DescentOptions {
  /**
   * Clipping threshold gamma on the gradient norm, > 0 (default 0.1, the authors' code default).
   * It is an absolute norm, so it depends on the loss reduction (sum vs mean), batch size and
   * model size: 0.25 suits mean cross-entropy on ResNet-18; the paper uses 200 for a summed VAE loss.
   */
  gamma?: number;
}

/** Options of δ-GClip and its per-tensor variant. */
export interface DeltaGClipOptions extends ClippedSgdOptions {
  /** Floor of the relative step size, >= 0 (default 1e-3, the authors' code default). */
  delta?: number;
}

export interface DeltaGClipConfig extends DescentConfig {
  gamma: number;
  delta: number;
}

function resolve(options: DeltaGClipOptions, delta: number): DeltaGClipConfig {
  const base = resolveDescent(options);
  return {
    ...base,
    gamma: requirePositive('gamma', options.gamma ?? 0.1),
    delta: requireNonNegative('delta', delta),
  };
}

/**
 * δ-GClip (Tucat, Mukherjee, Sen, Sun, Rivasplata, "Regularized Gradient Clipping Provably Trains
 * Wide and Deep Neural Networks", TMLR 2025) as a `tf.Optimizer`:
 *
 *     h_t = eta_t * min(1, max(delta, gamma / ||g_t||)),   w_{t+1} = w_t - h_t g_t
 *
 * with ||g_t|| the L2 norm of the whole gradient. Steps never sync with the device; see
 * `optimizer.telemetry` for the gradient norm, step size and regime of each step.
 */
export class DeltaGClipOptimizer extends ConfiguredOptimizer<DeltaGClipConfig> {
  static override get className(): string {
    return 'deltaclip.DeltaGClip';
  }

  constructor(options: DeltaGClipOptions) {
    const config = resolve(options, options?.delta ?? 1e-3);
    super(descentChain(config, [deltaGClipScale(config)]), config, options.telemetry);
  }
}

/** GClip: δ-GClip with delta = 0, i.e. clip by global norm to gamma, then SGD with rate eta. */
export class GClipOptimizer extends ConfiguredOptimizer<DeltaGClipConfig> {
  static override get className(): string {
    return 'deltaclip.GClip';
  }

  constructor(options: ClippedSgdOptions) {
    const config = resolve(options, 0);
    super(descentChain(config, [deltaGClipScale(config)]), config, options.telemetry);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { delta: _delta, ...rest } = this.options;
    return rest as unknown as tf.serialization.ConfigDict;
  }
}

/**
 * Per-tensor δ-GClip (the authors' "deltaGClip_c"): each variable is scaled using the norm of its
 * own gradient; a variable whose gradient norm is 0 or not finite is left unchanged. A heuristic:
 * the convergence theory covers the global form only.
 */
export class DeltaGClipPerTensorOptimizer extends ConfiguredOptimizer<DeltaGClipConfig> {
  static override get className(): string {
    return 'deltaclip.DeltaGClipPerTensor';
  }

  constructor(options: DeltaGClipOptions) {
    const config = resolve(options, options?.delta ?? 1e-3);
    super(descentChain(config, [deltaGClipPerTensorScale(config)]), config, options.telemetry);
  }
}

registerOptimizerClass(DeltaGClipOptimizer, 'DeltaGClip');
registerOptimizerClass(GClipOptimizer, 'GClip');
registerOptimizerClass(DeltaGClipPerTensorOptimizer, 'DeltaGClipPerTensor');

/**
 * δ-GClip optimizer.
 *
 * @example
 * const opt = deltaGClip({ learningRate: 0.5, gamma: 1, delta: 1e-2 });
 * opt.minimize(() => loss(model, xs, ys));
 * console.log(await opt.telemetry.latest()); // { step, gradNorm, stepSize, regime }
 */
export function deltaGClip(options: DeltaGClipOptions): DeltaGClipOptimizer {
  return new DeltaGClipOptimizer(options);
}

/** GClip optimizer (δ-GClip with delta = 0). */
export function gClip(options: ClippedSgdOptions): GClipOptimizer {
  return new GClipOptimizer(options);
}

/** Per-tensor δ-GClip optimizer. */
export function deltaGClipPerTensor(options: DeltaGClipOptions): DeltaGClipPerTensorOptimizer {
  return new DeltaGClipPerTensorOptimizer(options);
}
