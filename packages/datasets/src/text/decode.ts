/**
 * Bytes to text for table files, refusing what is not UTF-8 text instead of turning it into
 * U+FFFD replacement characters or a table of garbage cells.
 */
import { DatasetFormatError } from '../errors.js';

/** How many leading units are inspected for the "mostly control characters" test. */
const SNIFF_UNITS = 8192;
/** More than this share of control characters (other than tab, LF, CR, FF) means binary. */
const MAX_CONTROL_SHARE = 0.1;

function isControl(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c;
}

function notText(file: string, found: string, offset: number): DatasetFormatError {
  return new DatasetFormatError({
    file,
    offset,
    expected: 'a text file (CSV, TSV or JSON)',
    found,
    hint: 'This looks like a binary file: image sets go to the IDX or CIFAR loaders (a folder for --data).',
  });
}

/**
 * Throw when `units` (bytes or UTF-16 code units) hold a NUL anywhere, or are mostly control
 * characters at the start: text files have neither, and parsing binary data as CSV gives a
 * one-column table of noise rather than an error.
 */
export function assertText(units: ArrayLike<number> | string, file: string): void {
  const at = (i: number) => (typeof units === 'string' ? units.charCodeAt(i) : units[i]!);
  const nul =
    typeof units === 'string' ? units.indexOf('\u0000') : Array.prototype.indexOf.call(units, 0);
  if (nul >= 0) return void throwNotText(file, `a NUL byte`, nul);
  const n = Math.min(units.length, SNIFF_UNITS);
  let control = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (isControl(at(i))) {
      control++;
      if (first < 0) first = i;
    }
  }
  if (n > 0 && control / n > MAX_CONTROL_SHARE) {
    throwNotText(file, `${control} control characters in the first ${n}`, first);
  }
}

function throwNotText(file: string, what: string, offset: number): never {
  throw notText(file, what, offset);
}

/**
 * The byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates, code points
 * above U+10FFFF, truncated or stray continuation bytes), or -1. TextDecoder's fatal mode says
 * only that the input is bad; this says where.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Decode a table file: refuse binary data, then decode strictly as UTF-8 (a leading BOM is
 * dropped). Invalid UTF-8 is a {@link DatasetFormatError} naming the byte offset of the first bad
 * sequence.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  assertText(bytes, file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const shown = Array.from(bytes.subarray(offset, offset + 4), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join(' ');
    throw new DatasetFormatError({
      file,
      offset,
      expected: 'UTF-8 text',
      found: `an invalid UTF-8 sequence (bytes ${shown})`,
      hint: 'Save the file as UTF-8 (for example with iconv -f latin1 -t utf-8).',
    });
  }
}
