import type { RunOptimizer } from '@deltaclip/train';
import { InvalidOptionError } from '@deltaclip/utils';

/**
 * The CLI's short optimizer names and what each stands for in core's `{ className, config }`. The
 * library has no names of its own: this table is only the command line's shorthand.
 */
interface NameEntry {
  readonly className: string;
  /** Config keys this name accepts besides the shared ones. */
  readonly keys: readonly string[];
  /** Config this name always sets (e.g. clipped-adam's default clipNorm). */
  readonly fixed?: Readonly<Record<string, number>>;
}

const SHARED = ['learningRate', 'weightDecay', 'decoupledWeightDecay', 'nonFinite'] as const;

export const OPTIMIZER_NAMES_TABLE: Readonly<Record<string, NameEntry>> = {
  sgd: { className: 'deltaclip.SGD', keys: [] },
  momentum: { className: 'deltaclip.Momentum', keys: ['momentum', 'nesterov'] },
  adam: { className: 'deltaclip.Adam', keys: ['beta1', 'beta2', 'epsilon'] },
  gclip: { className: 'deltaclip.GClip', keys: ['gamma'] },
  'delta-gclip': { className: 'deltaclip.DeltaGClip', keys: ['gamma', 'delta'] },
  'delta-gclip-per-tensor': {
    className: 'deltaclip.DeltaGClipPerTensor',
    keys: ['gamma', 'delta'],
  },
  'clipped-momentum': {
    className: 'deltaclip.Momentum',
    keys: ['clipNorm', 'momentum', 'nesterov'],
    fixed: { clipNorm: 1 },
  },
  'clipped-adam': {
    className: 'deltaclip.Adam',
    keys: ['clipNorm', 'beta1', 'beta2', 'epsilon'],
    fixed: { clipNorm: 1 },
  },
};

export const OPTIMIZER_NAMES = Object.keys(OPTIMIZER_NAMES_TABLE);

const SHORT_KEYS: Readonly<Record<string, string>> = {
  lr: 'learningRate',
  eta: 'learningRate',
  wd: 'weightDecay',
};

/**
 * Parse `name:key=value,key=value`, e.g. `delta-gclip:lr=0.1,gamma=1,delta=1e-2`, into
 * `{ className, config, label? }` (`lr`/`eta` = learningRate, `wd` = weightDecay; booleans as
 * true/false). Throws an InvalidOptionError (a RangeError) naming the bad part.
 */
export function parseOptimizerSpec(text: string): RunOptimizer {
  const [rawName, params = ''] = text.split(':', 2) as [string, string?];
  const name = rawName.trim();
  const entry = OPTIMIZER_NAMES_TABLE[name];
  if (entry === undefined) {
    throw new InvalidOptionError(
      `Unknown optimizer '${name}'. Known optimizers: ${OPTIMIZER_NAMES.join(', ')}`,
    );
  }
  const allowed = new Set<string>([...SHARED, ...entry.keys, 'label']);
  const config: Record<string, number | boolean | string> = { ...entry.fixed };
  let label: string | undefined;
  for (const part of params.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new InvalidOptionError(
        `Bad optimizer option '${part}' in '${text}': expected key=value`,
      );
    }
    const rawKey = part.slice(0, eq).trim();
    const key = SHORT_KEYS[rawKey] ?? rawKey;
    const raw = part.slice(eq + 1).trim();
    if (!allowed.has(key)) {
      throw new InvalidOptionError(
        `Optimizer '${name}' does not take '${key}'. It takes: ${[...allowed].join(', ')}`,
      );
    }
    if (key === 'label') label = raw;
    else if (key === 'nonFinite') config[key] = raw;
    else if (raw === 'true' || raw === 'false') config[key] = raw === 'true';
    else {
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value)) {
        throw new InvalidOptionError(
          `Optimizer option '${rawKey}' in '${text}' must be a number (got '${raw}')`,
        );
      }
      config[key] = value;
    }
  }
  if (config.learningRate === undefined) {
    throw new InvalidOptionError(
      `Optimizer '${text}' needs a learning rate: add lr=<value>, e.g. ${name}:lr=0.1`,
    );
  }
  return { className: entry.className, config, ...(label === undefined ? {} : { label }) };
}
