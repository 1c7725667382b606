import { describe, expect, it } from 'vitest';
import { deriveSeed, permutation, Rng, rngFor } from './random.js';

// Known answers from the reference sfc32 in test/sfc32-reference.c (PractRand's algorithm and
// seeding, written in C independently of random.ts): `cc sfc32-reference.c && ./a.out`.
const REFERENCE: Record<string, number[]> = {
  '0': [
    1363572419, 145230303, 808754475, 4216505632, 947923937, 2491578854, 3964400089, 2091952393,
  ],
  '1': [
    2012149540, 1872316204, 1707632675, 1779833415, 2026416846, 1661539736, 2729060721, 4156309426,
  ],
  '42': [
    1264412219, 1947509147, 3919439299, 1251167922, 656401615, 478193053, 3278332503, 1360198844,
  ],
  '4294967301': [
    3317037461, 344497439, 2098912950, 2747301539, 832019503, 36710579, 1403326006, 1879273177,
  ],
  '9007199254740991': [
    3268402823, 2602357022, 3266425223, 182731693, 1903088272, 1586958750, 1240279877, 614940786,
  ],
};
const RAW_1_2_3_4 = [7, 34, 56623200, 188882296, 3431242869, 399395954, 785775158, 3843710725];

describe('Rng (sfc32)', () => {
  it.each(Object.entries(REFERENCE))('matches the reference C for seed %s', (seed, expected) => {
    const rng = new Rng(Number(seed));
    expect(expected.map(() => rng.nextUint32())).toEqual(expected);
  });

  it('matches the reference C from a raw state without warm-up', () => {
    const rng = Rng.fromState(1, 2, 3, 4);
    expect(RAW_1_2_3_4.map(() => rng.nextUint32())).toEqual(RAW_1_2_3_4);
  });

  it('rejects seeds outside [0, 2^53)', () => {
    expect(() => new Rng(-1)).toThrow('seed must be an integer >= 0 (got -1)');
    expect(() => new Rng(1.5)).toThrow('seed must be an integer >= 0 (got 1.5)');
    expect(() => new Rng(2 ** 53)).toThrow('seed must be an integer in [0, 2^53)');
  });

  it('uniform() lies in [0, 1) and has mean 1/2, variance 1/12', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      sum += u;
      sq += u * u;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    const mean = sum / n;
    // Standard error of the mean is sqrt(1/12 / n) ~ 6.5e-4: 5 sigma.
    expect(Math.abs(mean - 0.5)).toBeLessThan(3.3e-3);
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(2e-3);
  });

  it('normal() has mean 0 and variance 1', () => {
    const xs = new Rng(11).normalArray(200_000);
    let sum = 0;
    let sq = 0;
    for (const x of xs) {
      sum += x;
      sq += x * x;
    }
    expect(Math.abs(sum / xs.length)).toBeLessThan(0.012);
    expect(Math.abs(sq / xs.length - 1)).toBeLessThan(0.02);
  });

  it('int(n) covers 0..n-1 about uniformly', () => {
    const rng = new Rng(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe('deriveSeed and rngFor', () => {
  it('is a pure function of seed and path, in [0, 2^53)', () => {
    expect(deriveSeed(5, 'init', 3)).toBe(deriveSeed(5, 'init', 3));
    for (const s of [deriveSeed(0), deriveSeed(2 ** 53 - 1, 'x'), deriveSeed(9, 1, 2, 3)]) {
      expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    }
  });

  it('different seeds and paths give different streams', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 50; seed++) {
      for (const path of [[], [1], [2], ['a'], ['b'], [1, 2], [2, 1], ['a', 'b'], ['ab']]) {
        seen.add(rngFor(seed, ...path).nextUint32());
      }
    }
    expect(seen.size).toBe(50 * 9);
  });

  it('rejects a bad stream key', () => {
    expect(() => deriveSeed(1, -3)).toThrow('stream[0] must be an integer >= 0 (got -3)');
  });
});

describe('permutation', () => {
  it('is a permutation and every position is reachable', () => {
    const rng = new Rng(1);
    const firsts = new Set<number>();
    for (let k = 0; k < 200; k++) {
      const p = permutation(10, rng);
      expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      firsts.add(p[0]!);
    }
    expect(firsts.size).toBe(10);
  });
});
