import {
  InvalidOptionError,
  requireFiniteNumber,
  requireInRange,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requirePositive,
} from '@deltaclip/utils';
import type { Schedule, ScheduleConfig } from './schedule.js';

function requireIncreasing(name: string, values: readonly number[]): void {
  values.forEach((v, i) => {
    requireInteger(`${name}[${i}]`, v, 0);
    if (i > 0 && v <= values[i - 1]!) {
      throw new InvalidOptionError(
        `${name} must be strictly increasing (got ${values[i - 1]} then ${v} at index ${i})`,
      );
    }
  });
}

/** Multiplier `value` at every step (default 1: the base learning rate as is). */
export function constantSchedule(value = 1): Schedule {
  requireFiniteNumber('value', value);
  return { config: { kind: 'constant', value }, at: () => value };
}

export interface StepDecayOptions {
  /** Steps (or epochs with unit 'epoch') at which the multiplier is multiplied by `factor`. */
  boundaries: readonly number[];
  /** Multiplier applied at each boundary (default 0.1, as in the paper). */
  factor?: number;
  /** Whether boundaries count optimizer steps or epochs (default 'step'). */
  unit?: 'step' | 'epoch';
  /** Optimizer steps per epoch; required when unit is 'epoch'. */
  stepsPerEpoch?: number;
}

/**
 * Piecewise-constant decay: factor^k where k is the number of boundaries already reached.
 * The paper's schedule, eta x0.1 after epochs 100 and 150 of 200, is
 * `stepDecaySchedule({ boundaries: [100, 150], unit: 'epoch', stepsPerEpoch })`: epochs 0-99 use eta,
 * 100-149 use 0.1 eta, 150-199 use 0.01 eta.
 */
export function stepDecaySchedule(options: StepDecayOptions): Schedule {
  const factor = requirePositive('factor', options.factor ?? 0.1);
  const unit = requireOneOf('unit', options.unit ?? 'step', ['step', 'epoch'] as const);
  const boundaries = [...options.boundaries];
  requireIncreasing('boundaries', boundaries);
  let stepsPerEpoch = 1;
  if (unit === 'epoch') {
    if (options.stepsPerEpoch === undefined) {
      throw new InvalidOptionError(
        "stepsPerEpoch is required when unit is 'epoch' (got undefined): pass ceil(trainSize / batchSize)",
      );
    }
    stepsPerEpoch = requireInteger('stepsPerEpoch', options.stepsPerEpoch, 1);
  }
  const config: ScheduleConfig = { kind: 'stepDecay', boundaries, factor, unit, stepsPerEpoch };
  return {
    config,
    at(step) {
      const position = unit === 'epoch' ? Math.floor(step / stepsPerEpoch) : step;
      let k = 0;
      for (const b of boundaries) if (position >= b) k++;
      return factor ** k;
    },
  };
}

export interface CosineOptions {
  /** Steps over which the multiplier falls from 1 to alpha; constant afterwards. */
  decaySteps: number;
  /** Final multiplier, in [0, 1] (default 0). */
  alpha?: number;
}

/** Cosine decay: alpha + (1 - alpha) (1 + cos(pi min(t, T) / T)) / 2. */
export function cosineSchedule(options: CosineOptions): Schedule {
  const decaySteps = requireInteger('decaySteps', options.decaySteps, 1);
  const alpha = requireInRange('alpha', options.alpha ?? 0, 0, 1);
  return {
    config: { kind: 'cosine', decaySteps, alpha },
    at(step) {
      const t = Math.min(step, decaySteps) / decaySteps;
      return alpha + ((1 - alpha) * (1 + Math.cos(Math.PI * t))) / 2;
    },
  };
}

export interface LinearWarmupOptions {
  /** Steps to go from `start` to 1. */
  warmupSteps: number;
  /** Multiplier at step 0, >= 0 (default 0). */
  start?: number;
}

/** Linear warm-up from `start` to 1 over `warmupSteps`, then 1. */
export function linearWarmupSchedule(options: LinearWarmupOptions): Schedule {
  const warmupSteps = requireInteger('warmupSteps', options.warmupSteps, 1);
  const start = requireNonNegative('start', options.start ?? 0);
  return {
    config: { kind: 'linearWarmup', warmupSteps, start },
    at: (step) => (step >= warmupSteps ? 1 : start + ((1 - start) * step) / warmupSteps),
  };
}

/**
 * Run `schedules[i]` from `boundaries[i-1]` on, each restarted at its own step 0 (optax's
 * join_schedules). Warm-up then cosine: `joinSchedules([linearWarmupSchedule({warmupSteps: 500}),
 * cosineSchedule({decaySteps: 9500})], [500])`.
 */
export function joinSchedules(
  schedules: readonly Schedule[],
  boundaries: readonly number[],
): Schedule {
  if (schedules.length === 0)
    throw new InvalidOptionError('joinSchedules needs at least one schedule (got 0)');
  if (boundaries.length !== schedules.length - 1) {
    throw new InvalidOptionError(
      `joinSchedules needs ${schedules.length - 1} boundaries for ${schedules.length} schedules (got ${boundaries.length})`,
    );
  }
  requireIncreasing('boundaries', boundaries);
  const parts = [...schedules];
  const bounds = [...boundaries];
  return {
    config: { kind: 'join', schedules: parts.map((s) => s.config), boundaries: bounds },
    at(step) {
      let i = 0;
      while (i < bounds.length && step >= bounds[i]!) i++;
      const offset = i === 0 ? 0 : bounds[i - 1]!;
      return parts[i]!.at(step - offset);
    },
  };
}

/** Pointwise product of multipliers, e.g. a warm-up times a step decay. */
export function productSchedule(...schedules: readonly Schedule[]): Schedule {
  if (schedules.length === 0)
    throw new InvalidOptionError('productSchedule needs at least one schedule (got 0)');
  const parts = [...schedules];
  return {
    config: { kind: 'product', schedules: parts.map((s) => s.config) },
    at: (step) => parts.reduce((acc, s) => acc * s.at(step), 1),
  };
}

/** Rebuild a schedule from its config. */
export function scheduleFromConfig(config: ScheduleConfig): Schedule {
  switch (config.kind) {
    case 'constant':
      return constantSchedule(config.value);
    case 'stepDecay':
      return stepDecaySchedule(config);
    case 'cosine':
      return cosineSchedule(config);
    case 'linearWarmup':
      return linearWarmupSchedule(config);
    case 'join':
      return joinSchedules(config.schedules.map(scheduleFromConfig), config.boundaries);
    case 'product':
      return productSchedule(...config.schedules.map(scheduleFromConfig));
    default: {
      const kind = (config as { kind?: unknown }).kind;
      throw new InvalidOptionError(
        `Unknown schedule kind ${JSON.stringify(kind)}: expected constant, stepDecay, cosine, linearWarmup, join or product`,
      );
    }
  }
}
