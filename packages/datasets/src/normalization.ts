/**
 * Normalization as the batches see it: `(raw - mean) / std` per feature (or one pair for all),
 * stored as an affine map and applied while rows are copied into a batch, so the stored data stay
 * raw (pixels stay bytes).
 */
import type { FeatureArray, TargetArray } from './arrays.js';
import type { Normalization } from './metadata.js';

/** Affine map `(raw - offset) * scale`, one entry per feature or one for all. */
export interface Affine {
  readonly offset: Float64Array;
  readonly scale: Float64Array;
}

/** The affine map of a normalization, checked against the feature count. */
export function toAffine(
  n: Normalization | null | undefined,
  size: number,
  what: string,
): Affine | null {
  if (!n) return null;
  const expand = (v: number | readonly number[], name: string): Float64Array => {
    if (typeof v === 'number') return Float64Array.of(v);
    if (v.length !== size) {
      throw new RangeError(
        `${what} normalization ${name} must have ${size} entries, one per feature (got ${v.length})`,
      );
    }
    return Float64Array.from(v);
  };
  const mean = expand(n.mean, 'mean');
  const std = expand(n.std, 'std');
  for (const s of std) {
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new RangeError(`${what} normalization std must be > 0 (got ${s})`);
    }
  }
  return { offset: mean, scale: std.map((s) => 1 / s) };
}

/** Copy rows of width `w` (same element type family) into `out`, from `rows` or a contiguous range. */
export function copyRows(
  out: Float32Array | Int32Array,
  src: FeatureArray | TargetArray,
  rows: Uint32Array | null,
  range: [number, number] | null,
  w: number,
): void {
  if (!rows) {
    out.set(src.subarray(range![0] * w, range![1] * w));
    return;
  }
  for (let i = 0; i < rows.length; i++) {
    const s = rows[i]! * w;
    out.set(src.subarray(s, s + w), i * w);
  }
}

/** `out = (src - offset) * scale` row by row (per-feature or scalar affine), or a plain copy. */
export function affineRows(
  out: Float32Array,
  src: FeatureArray | TargetArray,
  rows: Uint32Array | null,
  range: [number, number] | null,
  w: number,
  a: Affine | null,
): void {
  if (!a) {
    copyRows(out, src, rows, range, w);
    return;
  }
  const n = rows ? rows.length : range![1] - range![0];
  const first = range ? range[0] : 0;
  if (a.offset.length === 1 && a.scale.length === 1) {
    const o = a.offset[0]!;
    const s = a.scale[0]!;
    for (let i = 0; i < n; i++) {
      const base = (rows ? rows[i]! : first + i) * w;
      const dst = i * w;
      for (let j = 0; j < w; j++) out[dst + j] = (src[base + j]! - o) * s;
    }
    return;
  }
  const scalarOffset = a.offset.length === 1;
  const scalarScale = a.scale.length === 1;
  for (let i = 0; i < n; i++) {
    const base = (rows ? rows[i]! : first + i) * w;
    const dst = i * w;
    for (let j = 0; j < w; j++) {
      const o = scalarOffset ? a.offset[0]! : a.offset[j]!;
      const s = scalarScale ? a.scale[0]! : a.scale[j]!;
      out[dst + j] = (src[base + j]! - o) * s;
    }
  }
}
