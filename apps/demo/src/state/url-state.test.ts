import { Rng } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS,
  BACKENDS,
  DATASETS,
  DEFAULT_SETTINGS,
  FEATURES,
  isRegression,
  LOSSES,
  OPTIMIZER_IDS,
  PARAMETERIZATIONS,
  type Settings,
} from './settings.js';
import { decodeSettings, encodeSettings, isSettingsHash, sameSettings } from './url-state.js';

/** A seeded generator (utils' sfc32, the project's one PRNG), so the random settings are the same on every run. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.uniform();
}

function randomSettings(r: () => number): Settings {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const dataset = pick(DATASETS);
  const optimizers = OPTIMIZER_IDS.filter(() => r() < 0.5);
  const param = () => ({ eta: 1e-4 + r() * 5, gamma: 1e-3 + r() * 100, delta: r() });
  return {
    dataset,
    samples: 20 + Math.floor(r() * 4981),
    noise: r(),
    testFraction: r() * 0.5,
    hidden: Array.from({ length: Math.floor(r() * 7) }, () => 1 + Math.floor(r() * 256)),
    features: (() => {
      const chosen = FEATURES.filter(() => r() < 0.5);
      return chosen.length > 0 ? chosen : ['x2'];
    })(),
    weightDecay: r() < 0.3 ? 0 : r() * 10,
    activation: pick(ACTIVATIONS),
    parameterization: pick(PARAMETERIZATIONS),
    loss: isRegression(dataset) ? 'square' : pick(LOSSES),
    batchSize: Math.floor(r() * 10_001),
    optimizers: optimizers.length > 0 ? optimizers : ['dgclip'],
    params: { sgd: param(), adam: param(), gclip: param(), dgclip: param() },
    seed: Math.floor(r() * 2 ** 31),
    evalEvery: 1 + Math.floor(r() * 1000),
    backend: pick(BACKENDS),
    csvTarget: r() < 0.5 ? '' : `col ${Math.floor(r() * 9)}, "odd" & = # %`,
  };
}

/** What decoding keeps of the parameters: only those the URL carries (eta; gamma; delta). */
function carried(s: Settings): Settings {
  const d = DEFAULT_SETTINGS.params;
  return {
    ...s,
    params: {
      sgd: { ...d.sgd, eta: s.params.sgd.eta },
      adam: { ...d.adam, eta: s.params.adam.eta },
      gclip: { ...d.gclip, eta: s.params.gclip.eta, gamma: s.params.gclip.gamma },
      dgclip: s.params.dgclip,
    },
  };
}

describe('URL state', () => {
  it('round-trips the defaults, and an empty hash is the defaults', () => {
    const hash = encodeSettings(DEFAULT_SETTINGS);
    expect(decodeSettings(hash)).toEqual({ settings: DEFAULT_SETTINGS, issues: [], problems: [] });
    expect(decodeSettings(`#${hash}`).settings).toEqual(DEFAULT_SETTINGS);
    expect(decodeSettings('')).toEqual({ settings: DEFAULT_SETTINGS, issues: [], problems: [] });
  });

  it('writes a readable hash with every setting', () => {
    expect(encodeSettings(DEFAULT_SETTINGS)).toBe(
      'v=1&data=spiral&n=400&noise=0.03&test=0.2&hidden=64,64&feat=x1,x2&act=relu&param=standard&loss=square&wd=0&batch=32&opt=gclip,dgclip&sgd.eta=0.1&adam.eta=0.01&gclip.eta=1&gclip.gamma=0.25&dgclip.eta=1&dgclip.gamma=0.25&dgclip.delta=0.1&seed=1&eval=10&backend=auto',
    );
  });

  it('round-trips 500 random settings exactly (numbers bit for bit)', () => {
    const r = rng(7);
    for (let i = 0; i < 500; i++) {
      const s = carried(randomSettings(r));
      const decoded = decodeSettings(encodeSettings(s));
      expect(decoded.issues).toEqual([]);
      expect(decoded.settings).toEqual(s);
      expect(sameSettings(decoded.settings, s)).toBe(true);
    }
  });

  it('keeps awkward floats exact', () => {
    const s: Settings = {
      ...DEFAULT_SETTINGS,
      noise: 0.1 + 0.2,
      params: {
        ...DEFAULT_SETTINGS.params,
        dgclip: { eta: 1 / 3, gamma: 5e-324 * 1e300, delta: Math.PI / 10 },
      },
    };
    const back = decodeSettings(encodeSettings(s)).settings;
    expect(back.noise).toBe(0.30000000000000004);
    expect(back.params.dgclip).toEqual(s.params.dgclip);
  });

  it('reports each bad value with the RangeError of core, and keeps the default for it', () => {
    const { settings, issues } = decodeSettings(
      'data=moons&width=0&dgclip.delta=2&gclip.gamma=-1&seed=1.5&n=&opt=sgd,lbfgs&batch=abc',
    );
    expect(issues).toEqual([
      'Link setting width must be an integer >= 1 (got 0); the default was used.',
      `Link setting data must be one of 'circle', 'xor', 'spiral', 'gaussians', 'plane', 'bowl', 'saddle', 'sine', 'ripple', 'teacher', 'cars', 'penguins', 'csv' (got "moons"); the default was used.`,
      'Link setting n must be a number (got ""); the default was used.',
      'Link setting batch must be a number (got "abc"); the default was used.',
      `Link setting opt must be one of 'sgd', 'adam', 'gclip', 'dgclip' (got "lbfgs"); the default was used.`,
      'Link setting gclip.gamma must be > 0 (got -1); the default was used.',
      'Link setting dgclip.delta must be in [0, 1] (got 2); the default was used.',
      'Link setting seed must be an integer >= 0 (got 1.5); the default was used.',
    ]);
    expect(settings).toEqual(DEFAULT_SETTINGS);
  });

  it('checks upper bounds too', () => {
    expect(decodeSettings('depth=7&sgd.eta=101&test=0.6&wd=11').issues).toEqual([
      'Link setting depth must be in [0, 6] (got 7); the default was used.',
      'Link setting test must be in [0, 0.5] (got 0.6); the default was used.',
      'Link setting wd must be in [0, 10] (got 11); the default was used.',
      'Link setting sgd.eta must be in [0, 100] (got 101); the default was used.',
    ]);
  });

  it('names unknown keys and other versions, and forces the square loss on regression sets', () => {
    const { settings, issues } = decodeSettings('v=2&data=cars&loss=cross-entropy&colour=red');
    expect(issues).toEqual([
      'This link uses URL state version 2; this page reads version 1, so some settings may differ.',
      `Unknown setting 'colour' in the link was ignored.`,
      'The cars set is a regression task: the square loss is used instead of cross-entropy.',
    ]);
    expect(settings.dataset).toBe('cars');
    expect(settings.loss).toBe('square');
  });

  it('puts optimizers in display order without repeats', () => {
    expect(decodeSettings('opt=dgclip,sgd,dgclip, adam').settings.optimizers).toEqual([
      'sgd',
      'adam',
      'dgclip',
    ]);
    expect(decodeSettings('opt=').issues).toEqual([
      'Link setting opt must name at least one optimizer of sgd, adam, gclip, dgclip (got ""); the default was used.',
    ]);
  });

  it('from the form, says the previous value was kept, and names the field each message is about', () => {
    const current: Settings = {
      ...DEFAULT_SETTINGS,
      params: { ...DEFAULT_SETTINGS.params, dgclip: { eta: 1, gamma: 0.25, delta: 0.3 } },
    };
    const decoded = decodeSettings('dgclip.delta=1.3&hidden=12', current, { source: 'form' });
    expect(decoded.problems).toEqual([
      {
        key: 'dgclip.delta',
        message: 'dgclip.delta must be in [0, 1] (got 1.3); the previous value, 0.3, was kept.',
      },
    ]);
    expect(decoded.settings).toEqual({ ...current, hidden: [12] });
    expect(decodeSettings('width=0').problems).toEqual([
      {
        key: 'hidden',
        message: 'Link setting width must be an integer >= 1 (got 0); the default was used.',
      },
    ]);
    expect(decodeSettings('hidden=8,0', current, { source: 'form' }).problems).toEqual([
      {
        key: 'hidden',
        message:
          'hidden layer 2 width must be an integer >= 1 (got 0); the previous value, 64,64, was kept.',
      },
    ]);
    expect(decodeSettings('v=2&colour=red').problems.map((p) => p.key)).toEqual([null, null]);
  });

  it('tells URL state from an in-page anchor (the skip link is not a new state)', () => {
    expect(isSettingsHash('#outputs')).toBe(false);
    expect(isSettingsHash('outputs')).toBe(false);
    expect(isSettingsHash('')).toBe(true);
    expect(isSettingsHash('#')).toBe(true);
    expect(isSettingsHash(`#${encodeSettings(DEFAULT_SETTINGS)}`)).toBe(true);
    expect(isSettingsHash('#data=xor')).toBe(true);
  });

  it('decodes on top of given settings (what the form does)', () => {
    const current: Settings = { ...DEFAULT_SETTINGS, seed: 42, hidden: [8] };
    const { settings } = decodeSettings('hidden=8,4,2', current);
    expect(settings).toEqual({ ...current, hidden: [8, 4, 2] });
    expect(current.hidden).toEqual([8]); // not mutated
  });

  it('reads per-layer widths, and says which layer is wrong and how to write them', () => {
    expect(decodeSettings('hidden=').settings.hidden).toEqual([]);
    expect(decodeSettings('hidden=8, 3').settings.hidden).toEqual([8, 3]);
    expect(decodeSettings('hidden=8,x').issues).toEqual([
      'Link setting hidden layer 2 width must be a number (got "x"); write widths like "8,8"; the default was used.',
    ]);
    expect(decodeSettings('hidden=8,257').issues).toEqual([
      'Link setting hidden layer 2 width must be in [1, 256] (got 257); the default was used.',
    ]);
    expect(decodeSettings('hidden=1,1,1,1,1,1,1').issues).toEqual([
      'Link setting hidden must list at most 6 layer widths (got 7: "1,1,1,1,1,1,1"); the default was used.',
    ]);
  });

  it('reads the links made before per-layer widths (depth and width)', () => {
    expect(decodeSettings('depth=3&width=16').settings.hidden).toEqual([16, 16, 16]);
    expect(decodeSettings('depth=1').settings.hidden).toEqual([64]);
    expect(decodeSettings('width=5').settings.hidden).toEqual([5, 5]);
    expect(decodeSettings('depth=0&width=5').settings.hidden).toEqual([]);
    // A link with both forms: the new one wins.
    expect(decodeSettings('depth=3&width=16&hidden=4').settings.hidden).toEqual([4]);
    expect(decodeSettings('depth=1&width=16').issues).toEqual([]);
  });

  it('reads input features in Playground order, at least one', () => {
    expect(decodeSettings('feat=sinx2,x1,x1x2,x1').settings.features).toEqual([
      'x1',
      'x1x2',
      'sinx2',
    ]);
    expect(decodeSettings('feat=').issues).toEqual([
      'Link setting feat must name at least one input of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2 (got ""); the default was used.',
    ]);
    expect(decodeSettings('feat=x3').issues).toEqual([
      `Link setting feat must be one of 'x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2' (got "x3"); the default was used.`,
    ]);
  });

  it('leaves out an empty CSV target and escapes a named one', () => {
    expect(encodeSettings(DEFAULT_SETTINGS)).not.toContain('target=');
    const s = { ...DEFAULT_SETTINGS, dataset: 'csv' as const, csvTarget: 'a&b=c #1' };
    const hash = encodeSettings(s);
    expect(hash).toContain('target=a%26b%3Dc%20%231');
    expect(decodeSettings(hash).settings.csvTarget).toBe('a&b=c #1');
  });
});
