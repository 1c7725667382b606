/**
 * The one seeded PRNG of deltaclip: sfc32 (Chris Doty-Humphrey's small fast counting generator,
 * 128-bit state, as specified in PractRand), in plain 32-bit integer arithmetic so every engine,
 * Node or browser, produces the same bits and results never depend on the tfjs backend.
 *
 * - `new Rng(seed)` seeds exactly as PractRand's `sfc32::seed(uint64)`: a = 0, b = the low 32 bits
 *   of the seed, c = the high bits, counter = 1, then 12 outputs discarded (known-answer tested
 *   against the reference C in test/sfc32-reference.c).
 * - `rngFor(seed, ...stream)` gives independent streams from one user seed: the stream path
 *   (numbers and strings, e.g. `rngFor(seed, 'init', 'dense1/kernel')`) is hashed with the seed
 *   into a 53-bit seed. Different paths give unrelated sequences.
 *
 * Not cryptographic.
 */
import { requireInteger, requireSeed } from './validate.js';

/** Wellons' lowbias32 integer hash (good avalanche, 32-bit arithmetic only). */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of `s`, finished with {@link mix32}. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** One element of a stream path. */
export type StreamKey = number | string;

/**
 * A seed in [0, 2^53) derived from a user seed and a stream path. A pure function: the same
 * arguments give the same seed on every platform.
 */
export function deriveSeed(seed: number, ...path: readonly StreamKey[]): number {
  requireSeed('seed', seed);
  let lo = mix32((seed >>> 0) ^ 0x9e3779b9);
  let hi = mix32((Math.floor(seed / 2 ** 32) >>> 0) + 0x85ebca6b);
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    let k: number;
    if (typeof key === 'string') {
      k = hashString(key) ^ 0x5bd1e995;
    } else {
      requireSeed(`stream[${i}]`, key);
      k = mix32((key >>> 0) + Math.imul(i + 1, 0x27d4eb2f)) ^ mix32(Math.floor(key / 2 ** 32));
    }
    lo = mix32(lo ^ k ^ Math.imul(i + 1, 0x9e3779b1));
    hi = mix32(hi + k + lo);
  }
  return (hi & 0x1fffff) * 2 ** 32 + lo;
}

/** A seeded random number generator (sfc32). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private counter: number;
  private spare: number | undefined;

  /** Seeded as PractRand's sfc32 from a 64-bit integer; here any integer in [0, 2^53). */
  constructor(seed: number) {
    requireSeed('seed', seed);
    this.a = 0;
    this.b = seed >>> 0;
    this.c = Math.floor(seed / 2 ** 32) >>> 0;
    this.counter = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A generator in the given raw state (no warm-up), for known-answer tests. */
  static fromState(a: number, b: number, c: number, counter: number): Rng {
    const rng = new Rng(0);
    rng.a = a >>> 0;
    rng.b = b >>> 0;
    rng.c = c >>> 0;
    rng.counter = counter >>> 0;
    return rng;
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.counter) >>> 0;
    this.counter = (this.counter + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) >>> 0;
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

  /** Standard normal N(0, 1) by Box–Muller (the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = 1 - this.uniform(); // (0, 1]: the log stays finite
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` draws of N(0, std^2), rounded to float32. */
  normalArray(n: number, std = 1): Float32Array {
    requireInteger('n', n, 0);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = std * this.normal();
    return out;
  }
}

/** An {@link Rng} for a user seed and a stream path: `new Rng(deriveSeed(seed, ...path))`. */
export function rngFor(seed: number, ...path: readonly StreamKey[]): Rng {
  return new Rng(deriveSeed(seed, ...path));
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates, from the end). */
export function permutation(n: number, rng: Rng): Uint32Array {
  requireInteger('n', n, 0);
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
