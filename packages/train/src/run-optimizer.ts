import {
  canonicalClassName,
  type OptimizerConfig,
  optimizerFromConfig,
  type ScheduleConfig,
  type TelemetryOptions,
} from '@deltaclip/core';
import { InvalidOptionError } from '@deltaclip/utils';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * A run's optimizer as JSON: core's `{ className, config }` (what `getConfig()` round-trips), plus
 * an optional label for tables and plots. This is the one optimizer vocabulary; short names such
 * as `delta-gclip:lr=0.1` belong to the CLI, which maps them onto this.
 */
export interface RunOptimizer extends OptimizerConfig {
  readonly label?: string;
}

/** What a run adds to its optimizer's own config. */
export interface RunOptimizerOptions {
  /**
   * The run's learning-rate schedule; it replaces any schedule in the optimizer's config, so the
   * run spec stays the single place a schedule is stated.
   */
  readonly schedule?: ScheduleConfig | null;
  /** Telemetry settings (not part of the config: they do not change the updates). */
  readonly telemetry?: TelemetryOptions;
}

/** Check the shape of a run's optimizer; the class and its config are checked when it is built. */
export function validateRunOptimizer(spec: unknown, name = 'optimizer'): RunOptimizer {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new InvalidOptionError(
      `${name} must be { className, config }, e.g. { className: 'deltaclip.DeltaGClip', config: { learningRate: 0.1, gamma: 1, delta: 0.1 } } (got ${JSON.stringify(spec)})`,
    );
  }
  const { className, config, label, ...rest } = spec as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) {
    throw new InvalidOptionError(
      `${name} takes className, config and label only (got ${extra.map((k) => `'${k}'`).join(', ')})`,
    );
  }
  if (typeof className !== 'string' || className === '') {
    throw new InvalidOptionError(
      `${name}.className must be a registered optimizer class name such as 'deltaclip.DeltaGClip' (got ${JSON.stringify(className)})`,
    );
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidOptionError(
      `${name}.config must be an object of hyperparameters (got ${JSON.stringify(config)})`,
    );
  }
  if (label !== undefined && typeof label !== 'string') {
    throw new InvalidOptionError(`${name}.label must be a string (got ${JSON.stringify(label)})`);
  }
  return spec as RunOptimizer;
}

/**
 * Build a fresh optimizer for a run: `optimizerFromConfig` with the run's schedule merged into the
 * config. deltaclip's own classes also take the telemetry settings (they read them from the
 * options their `fromConfig` is given and leave them out of `getConfig()`).
 */
export function createRunOptimizer(
  spec: RunOptimizer,
  options: RunOptimizerOptions = {},
): tf.Optimizer {
  validateRunOptimizer(spec);
  const config: Record<string, unknown> = { ...spec.config };
  if (options.schedule !== undefined) config.schedule = options.schedule;
  if (options.telemetry !== undefined) config.telemetry = options.telemetry;
  return optimizerFromConfig({
    className: spec.className,
    config: config as tf.serialization.ConfigDict,
  });
}

/**
 * The config the optimizer really runs with (defaults filled in by its class), read from a
 * throw-away instance so train never repeats core's defaults.
 */
export function resolvedOptimizerConfig(spec: RunOptimizer): tf.serialization.ConfigDict {
  const optimizer = createRunOptimizer(spec);
  try {
    return optimizer.getConfig();
  } finally {
    optimizer.dispose();
  }
}

/** Titles of the classes core registers today; any other class is shown by its className. */
const TITLES: Readonly<Record<string, string>> = {
  'deltaclip.DeltaGClip': 'δ-GClip',
  'deltaclip.GClip': 'GClip',
  'deltaclip.DeltaGClipPerTensor': 'δ-GClip per tensor',
  'deltaclip.SGD': 'SGD',
  'deltaclip.Momentum': 'Momentum',
  'deltaclip.Adam': 'Adam',
};

/** Config keys shown in labels, in this order, under the paper's names. */
const SHOWN: readonly (readonly [string, string])[] = [
  ['learningRate', 'eta'],
  ['gamma', 'gamma'],
  ['delta', 'delta'],
  ['clipNorm', 'clip'],
  ['momentum', 'momentum'],
  ['nesterov', 'nesterov'],
  ['beta1', 'beta1'],
  ['beta2', 'beta2'],
  ['epsilon', 'epsilon'],
  ['weightDecay', 'wd'],
];

function short(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

/** The optimizer's name for people, without hyperparameters: `δ-GClip`, `Adam + clip`. */
export function optimizerTitle(spec: RunOptimizer): string {
  const config = spec.config as Record<string, unknown>;
  return (
    (TITLES[canonicalClassName(spec.className)] ?? spec.className) +
    (config.clipNorm != null ? ' + clip' : '')
  );
}

/**
 * A readable label from className and config: `δ-GClip (eta 0.1, gamma 1, delta 0.01)`. Only the
 * hyperparameters the spec sets are shown; `label` wins when given.
 */
export function describeOptimizer(spec: RunOptimizer): string {
  if (spec.label) return spec.label;
  const config = spec.config as Record<string, unknown>;
  const title = optimizerTitle(spec);
  const parts: string[] = [];
  for (const [key, shown] of SHOWN) {
    const v = config[key];
    if (v === undefined || v === null || v === false || (key === 'weightDecay' && v === 0)) {
      continue;
    }
    parts.push(typeof v === 'number' ? `${shown} ${short(v)}` : v === true ? shown : String(v));
  }
  return parts.length === 0 ? title : `${title} (${parts.join(', ')})`;
}

/** The classes core registers that clip by a threshold gamma (GClip is δ-GClip with delta 0). */
export const CLIPPING_CLASSES: readonly string[] = [
  'deltaclip.DeltaGClip',
  'deltaclip.GClip',
  'deltaclip.DeltaGClipPerTensor',
];

/** The clipping thresholds of δ-GClip-type optimizers (GClip has delta 0), else null. */
export function clippingOf(spec: RunOptimizer): { gamma: number; delta: number } | null {
  if (!CLIPPING_CLASSES.includes(canonicalClassName(spec.className))) return null;
  const config = resolvedOptimizerConfig(spec);
  return { gamma: config.gamma as number, delta: (config.delta as number | undefined) ?? 0 };
}

/** The base learning rate eta of an optimizer (with its class's default if unset). */
export function learningRateOf(spec: RunOptimizer): number {
  const lr = spec.config.learningRate ?? resolvedOptimizerConfig(spec).learningRate;
  return lr as number;
}
