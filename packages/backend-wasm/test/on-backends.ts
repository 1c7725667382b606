import { Rng } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';

/** The values and shape of a tensor computed on one backend. */
export interface Computed {
  readonly values: Float32Array | Int32Array;
  readonly shape: number[];
}

/** Runs `compute` (inside tf.tidy) on `backend`, reads the result, and returns to wasm. */
export async function computeOn(backend: string, compute: () => tf.Tensor): Promise<Computed> {
  await tf.setBackend(backend);
  const out = tf.tidy(compute);
  const values = (await out.data()) as Float32Array | Int32Array;
  const shape = out.shape;
  out.dispose();
  await tf.setBackend('wasm');
  return { values, shape };
}

/**
 * Largest |a_i - b_i| relative to the largest |b_i|: the error measure of float32 sums, whose
 * rounding scales with the magnitude of the terms rather than with each (possibly cancelled) sum.
 */
export function maxScaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(e)) return Number.NaN;
    if (e > worst) worst = e;
  }
  return worst / Math.max(scale, 1e-30);
}

/** Deterministic values in [-1, 1), from utils' seeded Rng. */
export function seeded(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniformIn(-1, 1));
}
