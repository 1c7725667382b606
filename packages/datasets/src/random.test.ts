import { permutation, Rng } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import { epochOrder } from './random.js';

describe('epochOrder', () => {
  it('is a permutation of 0..n-1', () => {
    const order = epochOrder(1000, 3, 4);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('is a pure function of (n, seed, epoch), whatever was computed before', () => {
    const later = epochOrder(500, 11, 7);
    epochOrder(500, 11, 0);
    epochOrder(500, 12, 7);
    expect(epochOrder(500, 11, 7)).toEqual(later);
    expect(epochOrder(500, 11, 8)).not.toEqual(later);
    expect(epochOrder(500, 12, 7)).not.toEqual(later);
  });

  it('puts every index at every position about equally often (unbiased shuffle)', () => {
    const n = 5;
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    const trials = 20_000;
    for (let e = 0; e < trials; e++) {
      const o = epochOrder(n, 1, e);
      for (let p = 0; p < n; p++) counts[p]![o[p]!]++;
    }
    for (const row of counts)
      for (const c of row) expect(Math.abs(c - trials / n)).toBeLessThan(250);
  });

  it('rejects bad arguments with the house message', () => {
    expect(() => epochOrder(10, -1, 0)).toThrow('seed must be an integer >= 0 (got -1)');
    expect(() => epochOrder(10, 0, 1.5)).toThrow('epoch must be an integer >= 0 (got 1.5)');
  });

  it('permutation of 0 and 1 elements', () => {
    expect(permutation(0, new Rng(1))).toEqual(new Uint32Array(0));
    expect(permutation(1, new Rng(1))).toEqual(Uint32Array.of(0));
  });
});
