/** Log-scale axes of the charts: their range and tick labels. */

/** A log-axis tick label: never "0" for a small positive value (1e-7 is 1e-7, not 0). */
export function logTick(v: number): string {
  if (!(v > 0) || !Number.isFinite(v)) return '';
  if (v >= 1e4 || v < 1e-2) {
    const exponent = Math.floor(Math.log10(v) + 1e-9);
    const mantissa = Number((v / 10 ** exponent).toPrecision(2));
    return mantissa === 1 ? `1e${exponent}` : `${mantissa}e${exponent}`;
  }
  return String(Number(v.toPrecision(2)));
}

/** 10^k exactly as JavaScript writes it (0.01, not 0.010000000000000002). */
const decade = (k: number) => Number(`1e${k}`);

/**
 * The y range of a log chart: the whole decades around [lo, hi]. uPlot's log axis walks its ticks
 * from the range's minimum along 1, 2, ..., 9, 10, 20...; a minimum off that grid (0.078) sends the
 * walk through rounding to 0, where it never ends and the page hangs, so both ends are decades.
 */
export function logRange(lo: number, hi: number): [number, number] {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [0.1, 1];
  const a = Math.floor(Math.log10(Math.min(lo, hi)) + 1e-12);
  let b = Math.ceil(Math.log10(Math.max(lo, hi)) - 1e-12);
  if (b <= a) b = a + 1;
  return [decade(a), decade(b)];
}
