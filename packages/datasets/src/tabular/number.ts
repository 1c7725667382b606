/**
 * Numbers in table cells. A linear scan decides whether a cell is a plain decimal number (the
 * regular expression it replaces backtracked quadratically: a 200,000-digit cell took ~40 s), and
 * the float32 range check keeps a value that a Float32Array would store as Infinity out of a
 * dataset.
 */

/** The largest finite float32, 2^128 - 2^104. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** True when `s` is `[+-]digits[.digits][(e|E)[+-]digits]` with at least one mantissa digit. */
export function isDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  const digits = () => {
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      i++;
    }
    return i - start;
  };
  if (s[i] === '+' || s[i] === '-') i++;
  let mantissa = digits();
  if (s[i] === '.') {
    i++;
    mantissa += digits();
  }
  if (mantissa === 0) return false;
  if (s[i] === 'e' || s[i] === 'E') {
    i++;
    if (s[i] === '+' || s[i] === '-') i++;
    if (digits() === 0) return false;
  }
  return i === n;
}

/**
 * The number in a cell, or NaN when it is not a plain decimal number. Out-of-range values stay as
 * they are (`"1e400"` gives Infinity) so that callers can report them instead of storing them.
 */
export function cellNumber(cell: string | number | boolean | null): number {
  if (typeof cell === 'number') return Number.isNaN(cell) ? Number.NaN : cell;
  if (typeof cell === 'string') {
    const s = cell.trim();
    return isDecimal(s) ? Number(s) : Number.NaN;
  }
  return Number.NaN;
}

/** True when a float32 holds `v` as a finite number (values below 1.4e-45 round to 0, as in any float32 cast). */
export function fitsFloat32(v: number): boolean {
  return Math.abs(v) <= FLOAT32_MAX;
}
