/** Summary of a sample of numbers (non-finite values and nulls are left out and counted). */
export interface Distribution {
  readonly count: number;
  /** Values left out because they were null, NaN or infinite. */
  readonly missing: number;
  readonly min: number;
  readonly p10: number;
  readonly median: number;
  readonly p90: number;
  readonly max: number;
  readonly mean: number;
}

/** Linear-interpolated quantile of an ascending array. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The distribution of `values`, or null when none is finite. */
export function distribution(values: readonly (number | null | undefined)[]): Distribution | null {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((a, b) => a - b);
  return {
    count: sorted.length,
    missing: values.length - sorted.length,
    min: sorted[0]!,
    p10: quantile(sorted, 0.1),
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
  };
}
