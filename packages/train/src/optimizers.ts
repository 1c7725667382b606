import {
  adam,
  deltaGClip,
  deltaGClipPerTensor,
  gClip,
  momentum,
  type NonFiniteMode,
  type Schedule,
  sgd,
  type TelemetryOptions,
  type TransformOptimizer,
} from '@deltaclip/core';

/** The optimizers a training run or a comparison can name. */
export const OPTIMIZER_NAMES = [
  'sgd',
  'momentum',
  'adam',
  'gclip',
  'delta-gclip',
  'delta-gclip-per-tensor',
  'clipped-sgd',
  'clipped-momentum',
  'clipped-adam',
] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** A JSON description of an optimizer: its registry name and hyperparameters. */
export interface OptimizerSpec {
  readonly name: OptimizerName;
  /** Shown in tables and plots (default: derived from name and hyperparameters). */
  readonly label?: string;
  readonly learningRate: number;
  /** gclip, delta-gclip, delta-gclip-per-tensor. */
  readonly gamma?: number;
  /** delta-gclip, delta-gclip-per-tensor. */
  readonly delta?: number;
  /** momentum, clipped-momentum. */
  readonly momentum?: number;
  readonly nesterov?: boolean;
  /** adam, clipped-adam. */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** clipped-*: the global norm to clip the gradient to (default 1). */
  readonly clipNorm?: number;
  readonly weightDecay?: number;
  readonly decoupledWeightDecay?: boolean;
  readonly nonFinite?: NonFiniteMode;
}

interface Entry {
  readonly title: string;
  /** Hyperparameters this optimizer accepts besides the shared ones. */
  readonly keys: readonly (keyof OptimizerSpec)[];
  readonly build: (
    spec: OptimizerSpec,
    extra: { schedule?: Schedule; telemetry?: TelemetryOptions },
  ) => TransformOptimizer;
}

const SHARED: readonly (keyof OptimizerSpec)[] = [
  'name',
  'label',
  'learningRate',
  'weightDecay',
  'decoupledWeightDecay',
  'nonFinite',
];

function common(spec: OptimizerSpec, extra: { schedule?: Schedule; telemetry?: TelemetryOptions }) {
  return {
    learningRate: spec.learningRate,
    ...(spec.weightDecay === undefined ? {} : { weightDecay: spec.weightDecay }),
    ...(spec.decoupledWeightDecay === undefined
      ? {}
      : { decoupledWeightDecay: spec.decoupledWeightDecay }),
    ...(spec.nonFinite === undefined ? {} : { nonFinite: spec.nonFinite }),
    ...(extra.schedule === undefined ? {} : { schedule: extra.schedule }),
    ...(extra.telemetry === undefined ? {} : { telemetry: extra.telemetry }),
  };
}

function pick<K extends keyof OptimizerSpec>(spec: OptimizerSpec, keys: readonly K[]) {
  const out: Partial<Pick<OptimizerSpec, K>> = {};
  for (const k of keys) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

const REGISTRY: Readonly<Record<OptimizerName, Entry>> = {
  sgd: { title: 'SGD', keys: [], build: (s, e) => sgd(common(s, e)) },
  momentum: {
    title: 'Momentum',
    keys: ['momentum', 'nesterov'],
    build: (s, e) => momentum({ ...common(s, e), ...pick(s, ['momentum', 'nesterov']) }),
  },
  adam: {
    title: 'Adam',
    keys: ['beta1', 'beta2', 'epsilon'],
    build: (s, e) => adam({ ...common(s, e), ...pick(s, ['beta1', 'beta2', 'epsilon']) }),
  },
  gclip: {
    title: 'GClip',
    keys: ['gamma'],
    build: (s, e) => gClip({ ...common(s, e), ...pick(s, ['gamma']) }),
  },
  'delta-gclip': {
    title: 'δ-GClip',
    keys: ['gamma', 'delta'],
    build: (s, e) => deltaGClip({ ...common(s, e), ...pick(s, ['gamma', 'delta']) }),
  },
  'delta-gclip-per-tensor': {
    title: 'δ-GClip per tensor',
    keys: ['gamma', 'delta'],
    build: (s, e) => deltaGClipPerTensor({ ...common(s, e), ...pick(s, ['gamma', 'delta']) }),
  },
  'clipped-sgd': {
    title: 'SGD + clip',
    keys: ['clipNorm'],
    build: (s, e) => gClip({ ...common(s, e), gamma: s.clipNorm ?? 1 }),
  },
  'clipped-momentum': {
    title: 'Momentum + clip',
    keys: ['clipNorm', 'momentum', 'nesterov'],
    build: (s, e) =>
      momentum({
        ...common(s, e),
        ...pick(s, ['momentum', 'nesterov']),
        clipNorm: s.clipNorm ?? 1,
      }),
  },
  'clipped-adam': {
    title: 'Adam + clip',
    keys: ['clipNorm', 'beta1', 'beta2', 'epsilon'],
    build: (s, e) =>
      adam({
        ...common(s, e),
        ...pick(s, ['beta1', 'beta2', 'epsilon']),
        clipNorm: s.clipNorm ?? 1,
      }),
  },
};

function entry(name: string): Entry {
  const found = (REGISTRY as Record<string, Entry>)[name];
  if (found === undefined) {
    throw new RangeError(
      `Unknown optimizer '${name}'. Known optimizers: ${OPTIMIZER_NAMES.join(', ')}`,
    );
  }
  return found;
}

/** Check a spec's name and that it only sets hyperparameters its optimizer takes. */
export function validateOptimizerSpec(spec: OptimizerSpec): OptimizerSpec {
  if (spec === null || typeof spec !== 'object') {
    throw new TypeError(
      `an optimizer spec must be an object like { name: 'sgd', learningRate: 0.1 }`,
    );
  }
  const e = entry(spec.name);
  const allowed = new Set<string>([...SHARED, ...e.keys]);
  for (const key of Object.keys(spec)) {
    if (!allowed.has(key)) {
      throw new RangeError(
        `Optimizer '${spec.name}' does not take '${key}'. It takes: ${[...allowed].filter((k) => k !== 'name').join(', ')}`,
      );
    }
  }
  return spec;
}

/**
 * Build a fresh optimizer from a spec. Every optimizer is a deltaclip transform chain (sync-free,
 * guarded against non-finite gradients, exactly resumable), with per-step telemetry.
 */
export function createOptimizer(
  spec: OptimizerSpec,
  extra: { schedule?: Schedule; telemetry?: TelemetryOptions } = {},
): TransformOptimizer {
  return entry(validateOptimizerSpec(spec).name).build(spec, extra);
}

const SHORT_KEYS: Readonly<Record<string, keyof OptimizerSpec>> = {
  lr: 'learningRate',
  eta: 'learningRate',
  wd: 'weightDecay',
};

/**
 * Parse `name:key=value,key=value`, e.g. `delta-gclip:lr=0.1,gamma=1,delta=1e-2`
 * (`lr`/`eta` = learningRate, `wd` = weightDecay; booleans as true/false). Unset keys take
 * `defaults`.
 */
export function parseOptimizerSpec(
  text: string,
  defaults: Partial<OptimizerSpec> = {},
): OptimizerSpec {
  const [name, params = ''] = text.split(':', 2) as [string, string?];
  entry(name.trim());
  const spec: Record<string, unknown> = { ...defaults, name: name.trim() };
  for (const part of params.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new RangeError(`Bad optimizer option '${part}' in '${text}': expected key=value`);
    }
    const rawKey = part.slice(0, eq).trim();
    const key = SHORT_KEYS[rawKey] ?? rawKey;
    const raw = part.slice(eq + 1).trim();
    if (key === 'label' || key === 'nonFinite') spec[key] = raw;
    else if (raw === 'true' || raw === 'false') spec[key] = raw === 'true';
    else {
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value)) {
        throw new RangeError(
          `Optimizer option '${rawKey}' in '${text}' must be a number (got '${raw}')`,
        );
      }
      spec[key] = value;
    }
  }
  if (spec.learningRate === undefined) {
    throw new RangeError(
      `Optimizer '${text}' needs a learning rate: add lr=<value>, e.g. ${name}:lr=0.1`,
    );
  }
  return validateOptimizerSpec(spec as unknown as OptimizerSpec);
}

function short(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

/** A readable label: `δ-GClip (eta 0.1, gamma 1, delta 0.01)`. */
export function describeOptimizer(spec: OptimizerSpec): string {
  if (spec.label) return spec.label;
  const e = entry(spec.name);
  const parts = [`eta ${short(spec.learningRate)}`];
  for (const key of e.keys) {
    const v = spec[key];
    if (v !== undefined) parts.push(`${key} ${typeof v === 'number' ? short(v) : String(v)}`);
  }
  if (spec.weightDecay) parts.push(`wd ${short(spec.weightDecay)}`);
  return `${e.title} (${parts.join(', ')})`;
}
