import { requireNonNegative, requireOneOf, requirePositive } from '@deltaclip/utils';
import type * as tf from '@tensorflow/tfjs-core';
import type { TelemetryOptions } from '../optimizer/telemetry.js';
import { TransformOptimizer } from '../optimizer/transform-optimizer.js';
import type { Schedule, ScheduleConfig } from '../schedules/schedule.js';
import { scheduleFromConfig } from '../schedules/schedules.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import {
  applyIfFinite,
  NON_FINITE_MODES,
  type NonFiniteMode,
} from '../transforms/apply-if-finite.js';
import { chain } from '../transforms/chain.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import type { GradientTransformation } from '../types.js';

/** Options every ready-made optimizer of this package takes. */
export interface DescentOptions {
  /** Base learning rate eta, > 0. */
  learningRate: number;
  /** Weight decay lambda, >= 0 (default 0). */
  weightDecay?: number;
  /**
   * false (default): coupled, lambda w is added to the gradient before the optimizer's direction
   * (and, for δ-GClip, scaled by h as in the paper's code). true: decoupled, added after it and
   * scaled by the learning rate only (AdamW style).
   */
  decoupledWeightDecay?: boolean;
  /** What to do with a NaN/Infinity gradient (default 'skip'). See `applyIfFinite`. */
  nonFinite?: NonFiniteMode;
  /** Learning-rate multiplier per step (default constant 1): eta_t = learningRate * schedule(t). */
  schedule?: Schedule;
  /** Telemetry settings (not serialized). */
  telemetry?: TelemetryOptions;
}

/** The serializable settings shared by every ready-made optimizer. */
export interface DescentConfig {
  learningRate: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  nonFinite: NonFiniteMode;
  schedule: ScheduleConfig | null;
}

export function resolveDescent(options: DescentOptions): DescentConfig {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `optimizer options must be an object like { learningRate: 0.1 } (got ${String(options)})`,
    );
  }
  return {
    learningRate: requirePositive('learningRate', options.learningRate),
    weightDecay: requireNonNegative('weightDecay', options.weightDecay ?? 0),
    decoupledWeightDecay: options.decoupledWeightDecay ?? false,
    nonFinite: requireOneOf('nonFinite', options.nonFinite ?? 'skip', NON_FINITE_MODES),
    schedule: options.schedule?.config ?? null,
  };
}

/**
 * The chain every ready-made optimizer is:
 * guard( pre..., [coupled decay], direction..., [decoupled decay], -eta_t ).
 */
export function descentChain(
  config: DescentConfig,
  direction: readonly GradientTransformation[],
  pre: readonly GradientTransformation[] = [],
): GradientTransformation {
  const decay = config.weightDecay > 0 ? [addDecayedWeights(config.weightDecay)] : [];
  const schedule = config.schedule === null ? undefined : scheduleFromConfig(config.schedule);
  return applyIfFinite(
    chain(
      ...pre,
      ...(config.decoupledWeightDecay ? [] : decay),
      ...direction,
      ...(config.decoupledWeightDecay ? decay : []),
      scaleByLearningRate(config.learningRate, schedule),
    ),
    config.nonFinite,
  );
}

/**
 * Base of the ready-made optimizers: a TransformOptimizer whose getConfig is its resolved options
 * and whose fromConfig calls the constructor with them (schedules rebuilt from their configs).
 */
export abstract class ConfiguredOptimizer<C extends DescentConfig> extends TransformOptimizer {
  private resolved: Readonly<C>;

  constructor(
    transform: GradientTransformation,
    options: Readonly<C>,
    telemetry?: TelemetryOptions,
  ) {
    super(transform, telemetry);
    this.resolved = options;
  }

  /** The resolved options; `learningRate` follows {@link setLearningRate}. */
  get options(): Readonly<C> {
    return this.resolved;
  }

  override setLearningRate(learningRate: number): void {
    super.setLearningRate(learningRate);
    this.resolved = { ...this.resolved, learningRate };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.options } as unknown as tf.serialization.ConfigDict;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const schedule = config.schedule as unknown as ScheduleConfig | null | undefined;
    const options = {
      ...config,
      schedule: schedule == null ? undefined : scheduleFromConfig(schedule),
    };
    return new (cls as unknown as new (o: unknown) => T)(options);
  }
}
