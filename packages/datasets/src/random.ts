/**
 * Seeded, platform-independent randomness. Every random choice in this package (splits, epoch
 * orders, synthetic data) comes from an {@link Rng} built from the user's seed and a fixed stream
 * path, so results are pure functions of their arguments: no hidden global state, identical in
 * Node and browsers.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's small fast counting generator, 128-bit state), seeded by
 * hashing the seed and the stream path with the `lowbias32` integer hash; only 32-bit integer
 * arithmetic (`Math.imul`, shifts), so every engine produces the same bits.
 */
import { requireInteger, requireSeed } from './validate.js';

/** Stream ids: independent random streams derived from one user seed. */
export const STREAM = {
  split: 1,
  epoch: 2,
  synthetic: 3,
} as const;

/** Integer hash with good avalanche (Wellons' lowbias32). */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit seed derived from a user seed (an integer in [0, 2^53)) and a path of integers (stream
 * id, epoch, ...). Different paths give unrelated streams.
 */
export function deriveSeed(seed: number, ...path: readonly number[]): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  let h = mix32(lo ^ 0x9e3779b9);
  h = mix32(h ^ mix32(hi + 0x85ebca6b));
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    h = mix32(h ^ mix32((p >>> 0) + Math.imul(i + 1, 0x27d4eb2f)));
    h = mix32(h + (Math.floor(p / 2 ** 32) >>> 0));
  }
  return h;
}

/** A seeded random number generator (sfc32). Not cryptographic. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed32: number) {
    this.a = mix32(seed32 ^ 0xa0761d65);
    this.b = mix32(seed32 ^ 0xe7037ed1);
    this.c = mix32(seed32 ^ 0x8ebc6af0);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform float in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n) (bias below n / 2^53). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** An {@link Rng} for a user seed and a stream path. */
export function rngFor(seed: number, ...path: readonly number[]): Rng {
  return new Rng(deriveSeed(seed, ...path));
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates, from the end). */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/**
 * The sample order of epoch `epoch` for a set of `n` samples: a pure function of
 * `(n, seed, epoch)`. A resumed run that recomputes it sees exactly the order an uninterrupted
 * run saw, so it can skip to any batch.
 */
export function epochOrder(n: number, seed: number, epoch: number): Uint32Array {
  requireInteger('n', n, 0);
  requireSeed('seed', seed);
  requireInteger('epoch', epoch, 0);
  return permutation(n, rngFor(seed, STREAM.epoch, epoch));
}
