/**
 * The URL state: every setting and the seed in the location hash, e.g.
 * `#v=1&data=spiral&n=400&...&opt=gclip,dgclip&dgclip.delta=0.3&seed=1`. Numbers are written in
 * JavaScript's shortest round-trip form, so decode(encode(s)) is s exactly and a shared URL
 * reproduces the run number for number.
 */
import { requireInRange, requireInteger, requireOneOf, requirePositive } from '@deltaclip/utils';
import {
  ACTIVATIONS,
  BACKENDS,
  DATASETS,
  DEFAULT_SETTINGS,
  FEATURES,
  isRegression,
  LOSSES,
  MAX_HIDDEN_LAYERS,
  MAX_LAYER_WIDTH,
  OPTIMIZER_IDS,
  type OptimizerId,
  type OptimizerParams,
  PARAMETERIZATIONS,
  type Settings,
} from './settings.js';

/** Version of the format; a URL without `v` is read as version 1. */
export const URL_STATE_VERSION = 1;

type MutableParams = { -readonly [K in keyof OptimizerParams]: number };
type Draft = Omit<{ -readonly [K in keyof Settings]: Settings[K] }, 'params'> & {
  params: Record<OptimizerId, MutableParams>;
};

interface Field {
  readonly key: string;
  write(s: Settings): string;
  /** Parse and check `raw` into the draft; throws a RangeError naming the setting and value. */
  read(draft: Draft, raw: string): void;
}

function number(key: string, raw: string): number {
  // Number('') is 0: an empty value is not a number either.
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (Number.isNaN(value))
    throw new RangeError(`${key} must be a number (got ${JSON.stringify(raw)})`);
  return value;
}

function numberField(
  key: string,
  get: (s: Settings) => number,
  set: (d: Draft, v: number) => void,
  check: (name: string, v: number) => number,
): Field {
  return {
    key,
    write: (s) => String(get(s)),
    read: (d, raw) => set(d, check(key, number(key, raw))),
  };
}

const int = (lo: number, hi: number) => (name: string, v: number) =>
  requireInRange(name, requireInteger(name, v, lo), lo, hi);
const range = (lo: number, hi: number) => (name: string, v: number) =>
  requireInRange(name, v, lo, hi);
const positiveUpTo = (hi: number) => (name: string, v: number) =>
  requireInRange(name, requirePositive(name, v), 0, hi);

/** The non-empty items of a comma-separated value. */
function listOf(raw: string): string[] {
  return raw
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/**
 * Hidden layer widths from "8,8" (input side first; empty: no hidden layer). Throws a RangeError
 * naming the layer that is wrong.
 */
export function parseHidden(raw: string): number[] {
  const items = raw.trim() === '' ? [] : raw.split(',').map((x) => x.trim());
  if (items.length > MAX_HIDDEN_LAYERS) {
    throw new RangeError(
      `hidden must list at most ${MAX_HIDDEN_LAYERS} layer widths (got ${items.length}: "${raw}")`,
    );
  }
  return items.map((item, i) => {
    const name = `hidden layer ${i + 1} width`;
    const value = item === '' ? Number.NaN : Number(item);
    if (Number.isNaN(value)) {
      throw new RangeError(
        `${name} must be a number (got ${JSON.stringify(item)}); write widths like "8,8"`,
      );
    }
    return requireInRange(name, requireInteger(name, value, 1), 1, MAX_LAYER_WIDTH);
  });
}

/**
 * Links made before per-layer widths carry `depth` and `width`: read them as `depth` layers of
 * `width` units, unless the link also has `hidden`.
 */
function readLegacyHidden(params: URLSearchParams, draft: Draft, problems: SettingProblem[]): void {
  const depth = params.get('depth');
  const width = params.get('width');
  if ((depth === null && width === null) || params.get('hidden') !== null) return;
  try {
    const d =
      depth === null
        ? draft.hidden.length
        : int(0, MAX_HIDDEN_LAYERS)('depth', number('depth', depth));
    const w =
      width === null
        ? (draft.hidden[0] ?? DEFAULT_SETTINGS.hidden[0]!)
        : int(1, MAX_LAYER_WIDTH)('width', number('width', width));
    draft.hidden = Array.from({ length: d }, () => w);
  } catch (error) {
    const message = error instanceof RangeError ? error.message : String(error);
    problems.push({ key: 'hidden', message: `Link setting ${message}; the default was used.` });
  }
}

function paramFields(): Field[] {
  const fields: Field[] = [];
  for (const id of OPTIMIZER_IDS) {
    fields.push(
      numberField(
        `${id}.eta`,
        (s) => s.params[id].eta,
        (d, v) => {
          d.params[id].eta = v;
        },
        positiveUpTo(100),
      ),
    );
    if (id === 'gclip' || id === 'dgclip') {
      fields.push(
        numberField(
          `${id}.gamma`,
          (s) => s.params[id].gamma,
          (d, v) => {
            d.params[id].gamma = v;
          },
          positiveUpTo(1e6),
        ),
      );
    }
    if (id === 'dgclip') {
      fields.push(
        numberField(
          `${id}.delta`,
          (s) => s.params[id].delta,
          (d, v) => {
            d.params[id].delta = v;
          },
          range(0, 1),
        ),
      );
    }
  }
  return fields;
}

/** The fields in URL order. */
const FIELDS: readonly Field[] = [
  {
    key: 'data',
    write: (s) => s.dataset,
    read: (d, raw) => {
      d.dataset = requireOneOf('data', raw, DATASETS);
    },
  },
  numberField(
    'n',
    (s) => s.samples,
    (d, v) => (d.samples = v),
    int(20, 5000),
  ),
  numberField(
    'noise',
    (s) => s.noise,
    (d, v) => (d.noise = v),
    range(0, 1),
  ),
  numberField(
    'test',
    (s) => s.testFraction,
    (d, v) => (d.testFraction = v),
    range(0, 0.5),
  ),
  {
    key: 'hidden',
    write: (s) => s.hidden.join(','),
    read: (d, raw) => {
      d.hidden = parseHidden(raw);
    },
  },
  {
    key: 'feat',
    write: (s) => s.features.join(','),
    read: (d, raw) => {
      const chosen = listOf(raw).map((x) => requireOneOf('feat', x, FEATURES));
      if (chosen.length === 0) {
        throw new RangeError(
          `feat must name at least one input of ${FEATURES.join(', ')} (got "${raw}")`,
        );
      }
      d.features = FEATURES.filter((f) => chosen.includes(f));
    },
  },
  {
    key: 'act',
    write: (s) => s.activation,
    read: (d, raw) => {
      d.activation = requireOneOf('act', raw, ACTIVATIONS);
    },
  },
  {
    key: 'param',
    write: (s) => s.parameterization,
    read: (d, raw) => {
      d.parameterization = requireOneOf('param', raw, PARAMETERIZATIONS);
    },
  },
  {
    key: 'loss',
    write: (s) => s.loss,
    read: (d, raw) => {
      d.loss = requireOneOf('loss', raw, LOSSES);
    },
  },
  numberField(
    'wd',
    (s) => s.weightDecay,
    (d, v) => (d.weightDecay = v),
    range(0, 10),
  ),
  numberField(
    'batch',
    (s) => s.batchSize,
    (d, v) => (d.batchSize = v),
    int(0, 10_000),
  ),
  {
    key: 'opt',
    write: (s) => s.optimizers.join(','),
    read: (d, raw) => {
      const ids = listOf(raw);
      if (ids.length === 0) {
        throw new RangeError(
          `opt must name at least one optimizer of ${OPTIMIZER_IDS.join(', ')} (got "${raw}")`,
        );
      }
      const chosen = ids.map((x) => requireOneOf('opt', x, OPTIMIZER_IDS));
      // Display order, without repeats.
      d.optimizers = OPTIMIZER_IDS.filter((id) => chosen.includes(id));
    },
  },
  ...paramFields(),
  numberField(
    'seed',
    (s) => s.seed,
    (d, v) => (d.seed = v),
    int(0, 2 ** 31 - 1),
  ),
  numberField(
    'eval',
    (s) => s.evalEvery,
    (d, v) => (d.evalEvery = v),
    int(1, 1000),
  ),
  {
    key: 'backend',
    write: (s) => s.backend,
    read: (d, raw) => {
      d.backend = requireOneOf('backend', raw, BACKENDS);
    },
  },
  {
    key: 'target',
    write: (s) => s.csvTarget,
    read: (d, raw) => {
      if (raw.length > 200)
        throw new RangeError(
          `target must be a column name of at most 200 characters (got ${raw.length})`,
        );
      d.csvTarget = raw;
    },
  },
];

function draftOf(s: Settings): Draft {
  return {
    ...s,
    optimizers: [...s.optimizers],
    hidden: [...s.hidden],
    features: [...s.features],
    params: Object.fromEntries(
      OPTIMIZER_IDS.map((id) => [id, { ...s.params[id] }]),
    ) as Draft['params'],
  };
}

function escapeValue(value: string): string {
  // Commas separate optimizer ids; keep them readable.
  return encodeURIComponent(value).replace(/%2C/g, ',');
}

/** The URL hash (without `#`) holding every setting. */
export function encodeSettings(settings: Settings): string {
  const parts = [`v=${URL_STATE_VERSION}`];
  for (const f of FIELDS) {
    const value = f.write(settings);
    // An empty CSV target means "the last column": leave it out.
    if (f.key === 'target' && value === '') continue;
    parts.push(`${f.key}=${escapeValue(value)}`);
  }
  return parts.join('&');
}

/** One value that could not be used: the URL key it belongs to (null: the link as a whole). */
export interface SettingProblem {
  readonly key: string | null;
  readonly message: string;
}

export interface DecodedSettings {
  readonly settings: Settings;
  /** One sentence per value that could not be used, for the page (the messages of `problems`). */
  readonly issues: readonly string[];
  /** The same sentences with the key each is about, so the page can show it next to its field. */
  readonly problems: readonly SettingProblem[];
}

export interface DecodeOptions {
  /**
   * Where the values come from, which decides the words: `link` (a bad value falls back to
   * `defaults`, which are the defaults: "the default was used") or `form` (`defaults` are the
   * current settings: "the previous value ... was kept").
   */
  readonly source?: 'link' | 'form';
}

/**
 * Settings from a URL hash (with or without `#`). Missing keys take their values from `defaults`;
 * a value out of range, or an unknown key, is reported in `issues` and `problems`, and the value
 * of `defaults` is kept for it.
 */
export function decodeSettings(
  hash: string,
  defaults: Settings = DEFAULT_SETTINGS,
  options: DecodeOptions = {},
): DecodedSettings {
  const fromForm = options.source === 'form';
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const draft = draftOf(defaults);
  const problems: SettingProblem[] = [];
  const known = new Set(['v', 'depth', 'width', ...FIELDS.map((f) => f.key)]);
  const version = params.get('v');
  if (version !== null && version !== String(URL_STATE_VERSION)) {
    problems.push({
      key: null,
      message: `This link uses URL state version ${version}; this page reads version ${URL_STATE_VERSION}, so some settings may differ.`,
    });
  }
  for (const key of new Set(params.keys())) {
    if (!known.has(key))
      problems.push({ key: null, message: `Unknown setting '${key}' in the link was ignored.` });
  }
  readLegacyHidden(params, draft, problems);
  for (const field of FIELDS) {
    const raw = params.get(field.key);
    if (raw === null) continue;
    try {
      field.read(draft, raw);
    } catch (error) {
      const message = error instanceof RangeError ? error.message : String(error);
      problems.push({
        key: field.key,
        message: fromForm
          ? `${message}; the previous value, ${field.write(defaults) || '(none)'}, was kept.`
          : `Link setting ${message}; the default was used.`,
      });
    }
  }
  if (isRegression(draft.dataset) && draft.loss !== 'square') {
    problems.push({
      key: 'loss',
      message: `The ${draft.dataset} set is a regression task: the square loss is used instead of ${draft.loss}.`,
    });
    draft.loss = 'square';
  }
  return { settings: draft, issues: problems.map((p) => p.message), problems };
}

/**
 * Whether a location hash holds URL state (empty, or `key=value` pairs) rather than an in-page
 * anchor such as the skip link's `#outputs`, which must not be read as settings.
 */
export function isSettingsHash(hash: string): boolean {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  return body === '' || body.includes('=');
}

/** Two settings are the same run. */
export function sameSettings(a: Settings, b: Settings): boolean {
  return encodeSettings(a) === encodeSettings(b);
}
