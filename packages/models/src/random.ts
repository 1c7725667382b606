import { requireInteger } from '@deltaclip/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) that runs in plain JS, so the numbers it
 * gives do not depend on the tfjs backend. tfjs's own seeded ops are not guaranteed to agree across
 * backends; initial weights and VAE noise are drawn here and uploaded with `tf.tensor`.
 *
 * A generator is keyed by `(seed, stream)`: models use the variable's relative name as the stream,
 * so each variable's initial value depends only on the seed and its name — not on the prefix, on
 * creation order or on which other variables exist.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number, stream = '') {
    requireInteger('seed', seed, 0);
    if (seed > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`seed must be <= ${Number.MAX_SAFE_INTEGER} (got ${seed})`);
    }
    let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x100000000) >>> 0, 0x9e3779b1);
    state = (state ^ hashString(stream)) | 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float64 in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal N(0, 1) by the Box–Muller transform (pairs; the second value is cached). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** `n` draws of N(0, std^2), rounded to float32. */
  normalArray(n: number, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = std * this.normal();
    return out;
  }
}

/** A float32 tensor of N(0, 1) draws from `new Random(seed, stream)`, in row-major order. */
export function seededNormal(shape: readonly number[], seed: number, stream = 'normal'): tf.Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return tf.tensor(new Random(seed, stream).normalArray(size), [...shape], 'float32');
}

/** FNV-1a over the UTF-16 code units, finished with a murmur3 mix. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
