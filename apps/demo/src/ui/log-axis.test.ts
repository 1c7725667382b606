import { describe, expect, it } from 'vitest';
import { logRange, logTick } from './log-axis.js';

describe('log axes', () => {
  it('range over whole decades that contain the data, written exactly', () => {
    expect(logRange(0.0982, 5.99)).toEqual([0.01, 10]);
    expect(logRange(0.0418, 1.26)).toEqual([0.01, 10]);
    expect(logRange(0.1, 1)).toEqual([0.1, 1]);
    expect(logRange(0.3, 0.3)).toEqual([0.1, 1]);
    expect(logRange(3e-8, 2e-7)).toEqual([1e-8, 1e-6]);
    for (const [lo, hi] of [
      [0.0780123, 7.1],
      [1.5e-5, 0.02],
      [2, 3e6],
    ] as const) {
      const [a, b] = logRange(lo, hi);
      expect(a).toBeLessThanOrEqual(lo);
      expect(b).toBeGreaterThanOrEqual(hi);
      expect(Number.isInteger(Math.log10(a))).toBe(true);
      expect(Number.isInteger(Math.log10(b))).toBe(true);
    }
  });

  it('fall back to [0.1, 1] without positive data', () => {
    expect(logRange(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)).toEqual([0.1, 1]);
    expect(logRange(0, 1)).toEqual([0.1, 1]);
  });

  it('label ticks without a 0 for small values', () => {
    expect([1e-7, 2e-5, 0.005, 0.01, 0.05, 0.5, 1, 20, 1e4, 3e6].map(logTick)).toEqual([
      '1e-7',
      '2e-5',
      '5e-3',
      '0.01',
      '0.05',
      '0.5',
      '1',
      '20',
      '1e4',
      '3e6',
    ]);
    expect(logTick(0)).toBe('');
  });
});
