import type * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import type { TelemetryOptions } from '../optimizer/telemetry.js';
import { TransformOptimizer } from '../optimizer/transform-optimizer.js';
import type { Schedule, ScheduleConfig } from '../schedules/schedule.js';
import { scheduleFromConfig } from '../schedules/schedules.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { applyIfFinite, type NonFiniteMode } from '../transforms/apply-if-finite.js';
import { chain } from '../transforms/chain.js';
import { deltaGClipPerTensorScale } from '../transforms/delta-gclip-per-tensor-scale.js';
import { deltaGClipScale } from '../transforms/delta-gclip-scale.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import type { GradientTransformation } from '../types.js';
import { requireNonNegative, requirePositive } from '../validate.js';

/** Options shared by δ-GClip, GClip and the per-tensor variant. */
export interface ClippedSgdOptions {
  /** Base learning rate eta, > 0 (the largest step size h can take). */
  learningRate: number;
  /**
   * Clipping threshold gamma on the gradient norm, > 0 (default 0.1, the authors' code default).
   * It is an absolute norm, so it depends on the loss reduction (sum vs mean), batch size and
   * model size: 0.25 suits mean cross-entropy on ResNet-18; the paper uses 200 for a summed VAE loss.
   */
  gamma?: number;
  /** Weight decay lambda, >= 0 (default 0). */
  weightDecay?: number;
  /**
   * false (default): coupled as in the paper's code, w <- w - h (g + lambda w) with h from ||g||.
   * true: decoupled, w <- w - eta_t (s g + lambda w).
   */
  decoupledWeightDecay?: boolean;
  /** What to do with a NaN/Infinity gradient (default 'skip'). See {@link applyIfFinite}. */
  nonFinite?: NonFiniteMode;
  /** Learning-rate multiplier per step (default constant 1): eta_t = learningRate * schedule(t). */
  schedule?: Schedule;
  /** Telemetry settings (not serialized). */
  telemetry?: TelemetryOptions;
}

export interface DeltaGClipOptions extends ClippedSgdOptions {
  /** Floor of the relative step size, >= 0 (default 1e-3, the authors' code default). */
  delta?: number;
}

/** The serializable part of the options, as returned by getConfig. */
interface ResolvedOptions {
  learningRate: number;
  gamma: number;
  delta: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  nonFinite: NonFiniteMode;
  schedule: ScheduleConfig | null;
}

function resolve(options: DeltaGClipOptions, delta: number): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `optimizer options must be an object like { learningRate: 0.1 } (got ${String(options)})`,
    );
  }
  return {
    learningRate: requirePositive('learningRate', options.learningRate),
    gamma: requirePositive('gamma', options.gamma ?? 0.1),
    delta: requireNonNegative('delta', delta),
    weightDecay: requireNonNegative('weightDecay', options.weightDecay ?? 0),
    decoupledWeightDecay: options.decoupledWeightDecay ?? false,
    nonFinite: options.nonFinite ?? 'skip',
    schedule: options.schedule?.config ?? null,
  };
}

function buildTransform(o: ResolvedOptions, perTensor: boolean): GradientTransformation {
  const scale = perTensor ? deltaGClipPerTensorScale : deltaGClipScale;
  const decay = o.weightDecay > 0 ? [addDecayedWeights(o.weightDecay)] : [];
  const schedule = o.schedule === null ? undefined : scheduleFromConfig(o.schedule);
  return applyIfFinite(
    chain(
      ...(o.decoupledWeightDecay ? [] : decay),
      scale({ gamma: o.gamma, delta: o.delta }),
      ...(o.decoupledWeightDecay ? decay : []),
      scaleByLearningRate(o.learningRate, schedule),
    ),
    o.nonFinite,
  );
}

function toOptions(config: tf.serialization.ConfigDict): DeltaGClipOptions {
  const schedule = config.schedule as unknown as ScheduleConfig | null | undefined;
  return {
    learningRate: config.learningRate as number,
    gamma: config.gamma as number,
    delta: config.delta as number,
    weightDecay: config.weightDecay as number,
    decoupledWeightDecay: config.decoupledWeightDecay as boolean,
    nonFinite: config.nonFinite as NonFiniteMode,
    ...(schedule == null ? {} : { schedule: scheduleFromConfig(schedule) }),
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
export class DeltaGClipOptimizer extends TransformOptimizer {
  static override get className(): string {
    return 'DeltaGClip';
  }

  readonly options: Readonly<ResolvedOptions>;

  constructor(options: DeltaGClipOptions) {
    const resolved = resolve(options, options?.delta ?? 1e-3);
    super(buildTransform(resolved, false), options.telemetry);
    this.options = resolved;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.options } as unknown as tf.serialization.ConfigDict;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new (cls as unknown as new (o: DeltaGClipOptions) => T)(toOptions(config));
  }
}

/** GClip: δ-GClip with delta = 0, i.e. clip by global norm to gamma, then SGD with rate eta. */
export class GClipOptimizer extends TransformOptimizer {
  static override get className(): string {
    return 'GClip';
  }

  readonly options: Readonly<ResolvedOptions>;

  constructor(options: ClippedSgdOptions) {
    const resolved = resolve(options, 0);
    super(buildTransform(resolved, false), options.telemetry);
    this.options = resolved;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { delta: _delta, ...rest } = this.options;
    return rest as unknown as tf.serialization.ConfigDict;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new (cls as unknown as new (o: ClippedSgdOptions) => T)(toOptions(config));
  }
}

/**
 * Per-tensor δ-GClip (the authors' "deltaGClip_c"): each variable is scaled using the norm of its
 * own gradient; a variable whose gradient norm is 0 or not finite is left unchanged. A heuristic:
 * the convergence theory covers the global form only.
 */
export class DeltaGClipPerTensorOptimizer extends TransformOptimizer {
  static override get className(): string {
    return 'DeltaGClipPerTensor';
  }

  readonly options: Readonly<ResolvedOptions>;

  constructor(options: DeltaGClipOptions) {
    const resolved = resolve(options, options?.delta ?? 1e-3);
    super(buildTransform(resolved, true), options.telemetry);
    this.options = resolved;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.options } as unknown as tf.serialization.ConfigDict;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new (cls as unknown as new (o: DeltaGClipOptions) => T)(toOptions(config));
  }
}

tfc.serialization.registerClass(DeltaGClipOptimizer);
tfc.serialization.registerClass(GClipOptimizer);
tfc.serialization.registerClass(DeltaGClipPerTensorOptimizer);

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
