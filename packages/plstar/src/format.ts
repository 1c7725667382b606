/**
 * A number for a human-readable line: 4 significant digits (exponent form below 1e-3), and near 1 as many more as it takes
 * for 1 - x to show with 2 significant digits. A contraction rate 0.99996 must never print as
 * "1": that would turn "contracts very slowly" into "does not contract".
 */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  let digits = 4;
  const gap = Math.abs(1 - x);
  if (gap > 0 && gap < 0.1) digits = Math.min(17, Math.ceil(-Math.log10(gap)) + 2);
  const rounded = Number(x.toPrecision(Math.max(4, digits)));
  // 5.901e-5 reads more easily than 0.00005901.
  return Math.abs(rounded) < 1e-3 ? rounded.toExponential() : String(rounded);
}

/** A finite number, or null (JSON has no Infinity or NaN). */
export function finiteOrNull(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}
