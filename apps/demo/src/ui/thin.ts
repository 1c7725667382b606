/**
 * Decimation for the live charts: a chart of w pixels never draws more than a few points per
 * pixel column, however long the run. Lines keep each column's first, smallest, largest and last
 * point (min-max decimation: the drawn envelope is the same as with every point); scatter series
 * by regime keep each column's smallest and largest point of each regime.
 */

/** Indices of at most `max` of n points, evenly spread, always with the first and the last. */
export function thin(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const stride = (n - 1) / (max - 1);
  const out: number[] = [];
  for (let k = 0; k < max - 1; k++) out.push(Math.floor(k * stride));
  out.push(n - 1);
  return out;
}

/** Column of index i of n points spread over `columns` columns. */
const columnOf = (i: number, n: number, columns: number) => Math.floor((i * columns) / n);

/**
 * Indices to draw of a line of n values over `columns` pixel columns: per column the first, the
 * smallest, the largest and the last (at most 4 per column, in increasing order). Non-finite
 * values are never the smallest or largest.
 */
export function decimateLine(values: ArrayLike<number>, columns: number): number[] {
  const n = values.length;
  if (n <= 4 * columns) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  let start = 0;
  while (start < n) {
    const column = columnOf(start, n, columns);
    let end = start;
    while (end + 1 < n && columnOf(end + 1, n, columns) === column) end++;
    let lo = -1;
    let hi = -1;
    for (let i = start; i <= end; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    const keep = [start, lo, hi, end].filter((i) => i >= 0);
    for (const i of [...new Set(keep)].sort((a, b) => a - b)) out.push(i);
    start = end + 1;
  }
  return out;
}

/**
 * Indices to draw of a scatter of n points in `groups` groups (group[i] in 0..groups-1) over
 * `columns` pixel columns: per column and group the smallest and the largest value, in
 * increasing order.
 */
export function decimateScatter(
  values: ArrayLike<number>,
  group: ArrayLike<number>,
  groups: number,
  columns: number,
): number[] {
  const n = values.length;
  if (n <= 2 * groups * columns) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const lo = new Array<number>(groups);
  const hi = new Array<number>(groups);
  let start = 0;
  while (start < n) {
    const column = columnOf(start, n, columns);
    lo.fill(-1);
    hi.fill(-1);
    let end = start;
    for (let i = start; i < n && columnOf(i, n, columns) === column; i++) {
      end = i;
      const g = group[i]!;
      const v = values[i]!;
      if (g < 0 || g >= groups || !Number.isFinite(v)) continue;
      if (lo[g]! < 0 || v < values[lo[g]!]!) lo[g] = i;
      if (hi[g]! < 0 || v > values[hi[g]!]!) hi[g] = i;
    }
    const keep = [...lo, ...hi].filter((i) => i >= 0);
    for (const i of [...new Set(keep)].sort((a, b) => a - b)) out.push(i);
    start = end + 1;
  }
  return out;
}
