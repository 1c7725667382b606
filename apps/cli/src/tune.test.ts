import { describe, expect, it } from 'vitest';
import { parseDuration } from './kernel-choice.js';
import { parseTuneKeys, tuningGrid } from './tune.js';

const sgd = { className: 'deltaclip.SGD', config: { learningRate: 2 } };
const gclip = { className: 'deltaclip.GClip', config: { learningRate: 2, gamma: 0.1 } };
const dg = {
  className: 'deltaclip.DeltaGClip',
  config: { learningRate: 2, gamma: 0.1, delta: 0.2 },
};

describe('--tune', () => {
  it('parses the keys (lr always) and refuses others by name', () => {
    expect(parseTuneKeys('lr')).toEqual(['lr']);
    expect(parseTuneKeys('gamma,delta')).toEqual(['lr', 'gamma', 'delta']);
    expect(() => parseTuneKeys('lr,beta')).toThrow(
      '--tune takes a \',\'-separated list of lr, gamma, delta (got "beta" in "lr,beta")',
    );
  });

  it('gives every optimizer the same number of trials', () => {
    const lrOnly = tuningGrid([sgd, gclip, dg], ['lr']);
    expect(lrOnly.trials).toBe(5);
    expect(lrOnly.candidates.map((c) => c.length)).toEqual([5, 5, 5]);
    expect(lrOnly.candidates[0]!.map((o) => o.config.learningRate)).toEqual([
      0.2, 0.632, 2, 6.32, 20,
    ]);
    const all = tuningGrid([sgd, gclip, dg], ['lr', 'gamma', 'delta']);
    expect(all.trials).toBe(27);
    expect(all.candidates.map((c) => c.length)).toEqual([27, 27, 27]);
    // δ-GClip: 3 x 3 x 3 distinct settings; GClip 9 learning rates x 3 gammas; no delta on GClip.
    const key = (o: { config: object }) => JSON.stringify(o.config);
    expect(new Set(all.candidates[2]!.map(key)).size).toBe(27);
    expect(new Set(all.candidates[1]!.map((o) => o.config.gamma))).toEqual(
      new Set([0.0333, 0.1, 0.3]),
    );
    expect(all.candidates[1]!.every((o) => !('delta' in o.config))).toBe(true);
    expect(new Set(all.candidates[2]!.map((o) => o.config.delta))).toEqual(
      new Set([0.05, 0.2, 0.8]),
    );
  });
});

describe('--kernel-budget', () => {
  it('reads s, ms, m and plain seconds, and names a bad value', () => {
    expect(parseDuration('10s')).toBe(10);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('2m')).toBe(120);
    expect(parseDuration('3')).toBe(3);
    expect(() => parseDuration('-1s')).toThrow(
      '--kernel-budget must be a positive duration such as 10s, 500ms or 2m (got "-1s")',
    );
    expect(() => parseDuration('0s')).toThrow('(got "0s")');
  });
});
