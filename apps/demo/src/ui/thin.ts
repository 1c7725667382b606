/**
 * Decimation for the live charts: a chart of w pixels never draws more than a few points per
 * pixel column, however long the run, and a redraw's work is bounded by w too.
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

/**
 * Min-max decimation kept up to date as points arrive: a redraw costs O(capacity) whatever the
 * run's length, where decimating the whole series again would read every point each time.
 *
 * Points fall into buckets of `size` consecutive indices (a power of two); when a point would
 * open bucket number `capacity`, neighbouring buckets merge pairwise and the size doubles, so
 * once the first merge happened there are between capacity/2 and capacity buckets. Each bucket
 * keeps, per group, the index of its smallest and of its largest finite value (the earliest on a
 * tie); a line (one group) also keeps each bucket's first and last index. So the drawn envelope
 * of every bucket is that of all its points.
 */
export class StreamingDecimator {
  private size = 1;
  private seen = 0;
  private values: ArrayLike<number> | null = null;
  /** lo[g * capacity + b]: index of the smallest value of group g in bucket b, or -1. */
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;

  /**
   * @param capacity most buckets (even, at least 2): the pixel columns make buckets one to two
   *   columns wide, never more than one per column.
   * @param groups how many groups the points fall in (1: a line).
   */
  constructor(
    readonly capacity: number,
    readonly groups = 1,
  ) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity % 2 !== 0) {
      throw new RangeError(`capacity must be an even integer >= 2 (got ${capacity})`);
    }
    if (!Number.isInteger(groups) || groups < 1) {
      throw new RangeError(`groups must be an integer >= 1 (got ${groups})`);
    }
    this.lo = new Int32Array(capacity * groups).fill(-1);
    this.hi = new Int32Array(capacity * groups).fill(-1);
  }

  /** Points per bucket now. */
  get bucketSize(): number {
    return this.size;
  }

  /**
   * Take in the points of `values` not seen yet (`group[i]` in 0..groups-1; omitted for a line).
   * The arrays only grow between calls; a different or shorter `values` array starts over.
   */
  update(values: ArrayLike<number>, group?: ArrayLike<number>): void {
    if (values !== this.values || values.length < this.seen) this.clear(values);
    const { capacity, lo, hi } = this;
    for (let i = this.seen; i < values.length; i++) {
      if (Math.floor(i / this.size) >= capacity) this.merge();
      const g = group === undefined ? 0 : group[i]!;
      const v = values[i]!;
      if (g < 0 || g >= this.groups || !Number.isFinite(v)) continue;
      const k = g * capacity + Math.floor(i / this.size);
      if (lo[k]! < 0 || v < values[lo[k]!]!) lo[k] = i;
      if (hi[k]! < 0 || v > values[hi[k]!]!) hi[k] = i;
    }
    this.seen = values.length;
  }

  /** The indices to draw, in increasing order. */
  indices(): number[] {
    const n = this.seen;
    const buckets = Math.ceil(n / this.size);
    const out: number[] = [];
    const keep: number[] = [];
    for (let b = 0; b < buckets; b++) {
      keep.length = 0;
      if (this.groups === 1) keep.push(b * this.size, Math.min(n, (b + 1) * this.size) - 1);
      for (let g = 0; g < this.groups; g++) {
        const k = g * this.capacity + b;
        if (this.lo[k]! >= 0) keep.push(this.lo[k]!, this.hi[k]!);
      }
      keep.sort((x, y) => x - y);
      for (let j = 0; j < keep.length; j++)
        if (j === 0 || keep[j] !== keep[j - 1]) out.push(keep[j]!);
    }
    return out;
  }

  private clear(values: ArrayLike<number>): void {
    this.values = values;
    this.seen = 0;
    this.size = 1;
    this.lo.fill(-1);
    this.hi.fill(-1);
  }

  /** Buckets 2j and 2j+1 become bucket j; the size doubles. */
  private merge(): void {
    const { capacity, lo, hi, values } = this;
    const half = capacity / 2;
    for (let g = 0; g < this.groups; g++) {
      const base = g * capacity;
      for (let j = 0; j < half; j++) {
        const a = base + 2 * j;
        const b = a + 1;
        lo[base + j] = pick(values!, lo[a]!, lo[b]!, (x, y) => x < y);
        hi[base + j] = pick(values!, hi[a]!, hi[b]!, (x, y) => x > y);
      }
      lo.fill(-1, base + half, base + capacity);
      hi.fill(-1, base + half, base + capacity);
    }
    this.size *= 2;
  }
}

/** Of two indices (-1: none), the one whose value wins `better`; the earlier one on a tie. */
function pick(
  values: ArrayLike<number>,
  a: number,
  b: number,
  better: (x: number, y: number) => boolean,
): number {
  if (a < 0) return b;
  if (b < 0) return a;
  return better(values[b]!, values[a]!) ? b : a;
}
