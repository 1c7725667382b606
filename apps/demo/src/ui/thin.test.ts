import { Rng } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import { decimateLine, decimateScatter, thin } from './thin.js';

describe('thin', () => {
  it('keeps every index of a short series', () => {
    expect(thin(4, 10)).toEqual([0, 1, 2, 3]);
    expect(thin(0, 10)).toEqual([]);
  });

  it('keeps max strictly increasing indices, the first and the last', () => {
    for (const [n, max] of [
      [10_001, 6000],
      [12, 5],
      [1_000_000, 7],
    ] as const) {
      const kept = thin(n, max);
      expect(kept).toHaveLength(max);
      expect(kept[0]).toBe(0);
      expect(kept[kept.length - 1]).toBe(n - 1);
      for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
    }
  });
});

/** The extremes of values[i] over the indices of each column, for comparing envelopes. */
function envelope(values: readonly number[], kept: readonly number[], n: number, columns: number) {
  const out = new Map<number, [number, number]>();
  for (const i of kept) {
    const c = Math.floor((i * columns) / n);
    const [lo, hi] = out.get(c) ?? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    out.set(c, [Math.min(lo, values[i]!), Math.max(hi, values[i]!)]);
  }
  return out;
}

describe('decimation for the charts', () => {
  const rng = new Rng(3);
  const n = 100_000;
  const values = Array.from({ length: n }, (_, i) => Math.exp(-i / 30_000) * (1 + rng.uniform()));
  const regime = Array.from({ length: n }, () => Math.floor(rng.uniform() * 3));

  it('draws a line with at most 4 points per column and the same envelope as every point', () => {
    const columns = 500;
    const kept = decimateLine(values, columns);
    expect(kept.length).toBeLessThanOrEqual(4 * columns);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(n - 1);
    for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
    const all = Array.from({ length: n }, (_, i) => i);
    expect(envelope(values, kept, n, columns)).toEqual(envelope(values, all, n, columns));
  });

  it('keeps each regime’s extremes per column of a scatter', () => {
    const columns = 400;
    const kept = decimateScatter(values, regime, 3, columns);
    expect(kept.length).toBeLessThanOrEqual(6 * columns);
    for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
    for (let g = 0; g < 3; g++) {
      const mine = (ix: readonly number[]) => ix.filter((i) => regime[i] === g);
      const all = Array.from({ length: n }, (_, i) => i);
      expect(envelope(values, mine(kept), n, columns)).toEqual(
        envelope(values, mine(all), n, columns),
      );
    }
  });

  it('keeps short series whole and never picks a non-finite extreme', () => {
    expect(decimateLine([3, 1, 2], 10)).toEqual([0, 1, 2]);
    const withNaN = [5, Number.NaN, 1, Number.NaN, 9, 2, Number.NaN, 4, 3];
    // 9 values over 2 columns: column 0 is indices 0..4, column 1 is 5..8.
    expect(decimateLine(withNaN, 2)).toEqual([0, 2, 4, 5, 7, 8]);
  });
});
