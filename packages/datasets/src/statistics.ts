/**
 * Per-column statistics of stored rows in float64, used for standardization with training-split
 * statistics and for summaries.
 */
import type { FeatureArray, TargetArray } from './arrays.js';

/** Per-feature statistics in float64 (population standard deviation). */
export interface FeatureStatistics {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
}

/**
 * Mean, population std, min and max of each of `width` columns over `size` rows; `rowOf(i)` is the
 * storage row of the i-th row of the view.
 */
export function columnStatistics(
  data: FeatureArray | TargetArray,
  width: number,
  size: number,
  rowOf: (i: number) => number,
): FeatureStatistics {
  const mean = new Float64Array(width);
  const m2 = new Float64Array(width);
  const min = new Float64Array(width).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(width).fill(Number.NEGATIVE_INFINITY);
  // Welford's update: stable for large means (pixel sums, body masses in grams).
  for (let i = 0; i < size; i++) {
    const base = rowOf(i) * width;
    const k = i + 1;
    for (let j = 0; j < width; j++) {
      const v = data[base + j]!;
      const d = v - mean[j]!;
      mean[j]! += d / k;
      m2[j]! += d * (v - mean[j]!);
      if (v < min[j]!) min[j] = v;
      if (v > max[j]!) max[j] = v;
    }
  }
  const std = m2.map((s) => Math.sqrt(size > 0 ? s / size : 0));
  return { mean, std, min, max };
}
