import { Rng } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import { StreamingDecimator, thin } from './thin.js';

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

/**
 * The reference: each bucket of `size` read whole, per group the first index of its smallest and
 * of its largest finite value, plus (one group) the bucket's first and last index.
 */
function direct(values: readonly number[], group: readonly number[] | null, size: number) {
  const groups = group === null ? 1 : Math.max(...group) + 1;
  const out: number[] = [];
  for (let start = 0; start < values.length; start += size) {
    const end = Math.min(values.length, start + size);
    const keep = new Set<number>(group === null ? [start, end - 1] : []);
    for (let g = 0; g < groups; g++) {
      let lo = -1;
      let hi = -1;
      for (let i = start; i < end; i++) {
        if ((group?.[i] ?? 0) !== g || !Number.isFinite(values[i]!)) continue;
        if (lo < 0 || values[i]! < values[lo]!) lo = i;
        if (hi < 0 || values[i]! > values[hi]!) hi = i;
      }
      if (lo >= 0) keep.add(lo).add(hi);
    }
    out.push(...[...keep].sort((a, b) => a - b));
  }
  return out;
}

describe('StreamingDecimator', () => {
  const rng = new Rng(3);
  const n = 100_000;
  // Decaying noise with ties (rounded) and non-finite values, in three regimes.
  const values = Array.from({ length: n }, (_, i) =>
    i % 997 === 5 ? Number.NaN : Math.round(1000 * Math.exp(-i / 30_000) * (1 + rng.uniform())),
  );
  const regime = Array.from({ length: n }, () => Math.floor(rng.uniform() * 3));
  /** Feed the points in chunks of random length, as progress messages arrive. */
  function feed(d: StreamingDecimator, v: number[], g?: number[]) {
    const seen: number[] = [];
    const seenGroups: number[] = [];
    while (seen.length < v.length) {
      const next = seen.length + 1 + Math.floor(rng.uniform() * 700);
      while (seen.length < Math.min(next, v.length)) {
        seenGroups.push(g?.[seen.length] ?? 0);
        seen.push(v[seen.length]!);
      }
      d.update(seen, g === undefined ? undefined : seenGroups);
    }
  }

  it('keeps, fed bit by bit, what reading every bucket whole keeps (a line)', () => {
    const d = new StreamingDecimator(1000);
    feed(d, values);
    // 100,000 points in at most 1000 buckets: 128 points each, 782 buckets.
    expect(d.bucketSize).toBe(128);
    const kept = d.indices();
    expect(kept).toEqual(direct(values, null, 128));
    expect(kept.length).toBeLessThanOrEqual(4 * 1000);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(n - 1);
    for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
    // A non-finite value is drawn only as a bucket's first or last point, never as an extreme.
    for (const i of kept) if (!Number.isFinite(values[i]!)) expect([0, 127]).toContain(i % 128);
  });

  it('keeps each group’s extremes per bucket of a scatter', () => {
    const d = new StreamingDecimator(400, 3);
    feed(d, values, regime);
    expect(d.bucketSize).toBe(256);
    const kept = d.indices();
    expect(kept).toEqual(direct(values, regime, 256));
    expect(kept.length).toBeLessThanOrEqual(2 * 3 * 400);
  });

  it('keeps a short line whole, and starts over on a new run’s array', () => {
    const d = new StreamingDecimator(10);
    d.update([3, 1, 2]);
    expect(d.indices()).toEqual([0, 1, 2]);
    // 12 points, capacity 10: buckets of 2.
    const longer = [5, Number.NaN, 1, 1, 9, 2, Number.NaN, 4, 3, 3, 8, 0];
    d.update(longer);
    expect(d.bucketSize).toBe(2);
    expect(d.indices()).toEqual(direct(longer, null, 2));
    d.update([7]);
    expect(d.indices()).toEqual([0]);
  });

  it('reads only the new points and its buckets at a redraw, however long the run', () => {
    let reads = 0;
    const raw: number[] = [];
    const counted = new Proxy(raw, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const d = new StreamingDecimator(500);
    for (const total of [10_000, 200_000]) {
      while (raw.length < total) raw.push(rng.uniform());
      d.update(counted);
      reads = 0;
      for (let k = 0; k < 100; k++) raw.push(rng.uniform());
      d.update(counted);
      d.indices();
      // 100 new points (at most three reads each) and at most one merge of 500 buckets.
      expect(reads).toBeLessThanOrEqual(3 * 100 + 2 * 500);
    }
  });

  it('refuses a capacity or group count it cannot use', () => {
    expect(() => new StreamingDecimator(7)).toThrow(
      'capacity must be an even integer >= 2 (got 7)',
    );
    expect(() => new StreamingDecimator(8, 0)).toThrow('groups must be an integer >= 1 (got 0)');
  });
});
