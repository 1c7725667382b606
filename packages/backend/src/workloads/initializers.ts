import type { Rng } from '@deltaclip/utils';

/**
 * Deterministic weights and data for the reference workloads, drawn from utils' seeded Rng in
 * plain JavaScript (no tfjs random ops), so every backend starts from the same numbers.
 */

/** `n` values uniform in [-scale, scale), rounded to float32. */
export function uniformArray(rng: Rng, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniformIn(-scale, scale);
  return out;
}

/** Glorot-uniform weights for a layer with the given fan-in and fan-out. */
export function glorotArray(rng: Rng, n: number, fanIn: number, fanOut: number): Float32Array {
  return uniformArray(rng, n, Math.sqrt(6 / (fanIn + fanOut)));
}

/** `n` integers uniform in [0, max). */
export function integerArray(rng: Rng, n: number, max: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(max);
  return out;
}
