import {
  type DeltaGClipReferenceOptions,
  referenceDeltaGClip as referenceRule,
} from '../src/testing/reference.js';

/**
 * An independent float64 reference of the update rules, written from the paper's formulas in
 * plain JavaScript (no tfjs), used to check the optimizers' numbers.
 */

export { maxRelativeError } from '../src/testing/reference.js';

export interface ReferenceOptions extends DeltaGClipReferenceOptions {
  /** Learning-rate multiplier per step (default 1). */
  schedule?: (step: number) => number;
}

/**
 * Apply `steps` of δ-GClip (global or per-tensor) to copies of `weights` with the float64
 * reference of @deltaclip/core/testing.
 */
export function referenceDeltaGClip(
  weights: readonly Float64Array[],
  steps: readonly (readonly Float64Array[])[],
  o: ReferenceOptions,
): Float64Array[] {
  const w = weights.map((x) => Float64Array.from(x));
  const reference = referenceRule(o);
  for (const g of steps) reference.step(w, g);
  return w;
}

/** Seeded uniform numbers in [-1, 1), rounded to float32 so tfjs and the reference see the same inputs. */
export function randomFloat32(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = Math.fround(s / 2 ** 31 - 1);
  }
  return out;
}

/** Scale a gradient (list of tensors) to a target global norm, rounding to float32. */
export function withNorm(g: readonly Float64Array[], target: number): Float64Array[] {
  const n = norm(g);
  return g.map((gi) => gi.map((x) => Math.fround((x * target) / n)));
}

function norm(values: readonly Float64Array[]): number {
  let s = 0;
  for (const v of values) for (const x of v) s += x * x;
  return Math.sqrt(s);
}
