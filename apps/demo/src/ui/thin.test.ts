import { describe, expect, it } from 'vitest';
import { thin } from './thin.js';

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
