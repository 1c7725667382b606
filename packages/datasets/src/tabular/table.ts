/**
 * A parsed table: named columns of raw cells (strings from CSV, JSON scalars from JSON), kept
 * column-major, with the source line of each row for error messages.
 */
import { DatasetFormatError } from '../errors.js';
import { assertText } from '../text/decode.js';
import { findDuplicateKey } from '../text/json-keys.js';
import { cellNumber } from './number.js';

export { cellNumber };

/** One raw cell. */
export type Cell = string | number | boolean | null;

export interface Table {
  /** File name (or a label like `<uploaded CSV>`) for error messages. */
  readonly file: string;
  /** Column names in file order. */
  readonly columns: readonly string[];
  /** Cells per column, one per row. */
  readonly values: Readonly<Record<string, readonly Cell[]>>;
  readonly rowCount: number;
  /** 1-based line of each row in a text file (absent for JSON). */
  readonly lines?: Int32Array;
}

/** Cells read as missing by default (after trimming): empty, NA, N/A, NaN, nan, null, NULL, ?. */
export const DEFAULT_MISSING_TOKENS: readonly string[] = [
  '',
  'NA',
  'N/A',
  'NaN',
  'nan',
  'null',
  'NULL',
  '?',
];

/** True when a cell is missing: null, or a string in `tokens` after trimming. */
export function isMissing(
  cell: Cell | undefined,
  tokens: readonly string[] = DEFAULT_MISSING_TOKENS,
): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'number') return Number.isNaN(cell);
  if (typeof cell === 'string') return tokens.includes(cell.trim());
  return false;
}

/** Where row `index` (0-based) of a table is, for errors. */
export function rowLocation(table: Table, index: number): { row: number; line?: number } {
  const line = table.lines?.[index];
  return line !== undefined ? { row: index + 1, line } : { row: index + 1 };
}

/**
 * A table from JSON: an array of objects (the `vega-datasets` layout), given as text or as the
 * parsed value. Columns are the union of keys in first-seen order; an absent key is a missing
 * cell. Throws {@link DatasetFormatError} for anything else.
 */
export function tableFromJson(input: string | unknown, file = '<json>'): Table {
  let value: unknown = input;
  if (typeof input === 'string') {
    assertText(input, file);
    try {
      value = JSON.parse(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
    } catch (e) {
      throw new DatasetFormatError({
        file,
        expected: 'JSON text',
        found: `text that does not parse (${e instanceof Error ? e.message : String(e)})`,
      });
    }
  }
  if (!Array.isArray(value)) {
    throw new DatasetFormatError({
      file,
      expected: 'a JSON array of row objects',
      found: value === null ? 'null' : typeof value,
    });
  }
  if (value.length === 0) {
    throw new DatasetFormatError({ file, expected: 'at least one row', found: 'an empty array' });
  }
  const columns: string[] = [];
  const seen = new Set<string>();
  value.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new DatasetFormatError({
        file,
        row: i + 1,
        expected: 'an object mapping column names to values',
        found: Array.isArray(row) ? 'an array' : JSON.stringify(row),
      });
    }
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  });
  if (typeof input === 'string') {
    const duplicate = findDuplicateKey(input);
    // Offsets count from the start of the text, BOM included.
    if (duplicate) {
      throw new DatasetFormatError({
        file,
        offset: duplicate.offset,
        ...(duplicate.row !== undefined ? { row: duplicate.row } : {}),
        column: duplicate.key,
        expected: 'each key once per row object',
        found: `a second '${duplicate.key}' key (JSON.parse would keep only the last value)`,
        hint: 'Rename or remove one of the two keys.',
      });
    }
  }
  const values: Record<string, Cell[]> = {};
  for (const c of columns) values[c] = new Array<Cell>(value.length);
  value.forEach((row: Record<string, unknown>, i) => {
    for (const c of columns) {
      const v = row[c];
      if (v === undefined || v === null) {
        values[c]![i] = null;
      } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        values[c]![i] = v;
      } else {
        throw new DatasetFormatError({
          file,
          row: i + 1,
          column: c,
          expected: 'a number, string, boolean or null',
          found: JSON.stringify(v),
        });
      }
    }
  });
  return { file, columns, values, rowCount: value.length };
}

/** Summary of one column, for `datasets inspect`-style listings. */
export interface ColumnSummary {
  readonly name: string;
  /** numeric: every present cell is a number; categorical: otherwise; empty: all missing. */
  readonly kind: 'numeric' | 'categorical' | 'empty';
  /** Present (non-missing) cells. */
  readonly count: number;
  readonly missing: number;
  /** Distinct present values. */
  readonly unique: number;
  /** Numeric columns: statistics of the present cells (population std). */
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly std?: number;
  /** Categorical columns: the values and their counts, most frequent first (at most 20). */
  readonly categories?: readonly { value: string; count: number }[];
}

/** Per-column summaries of a table. */
export function summarizeTable(
  table: Table,
  missingTokens: readonly string[] = DEFAULT_MISSING_TOKENS,
): ColumnSummary[] {
  return table.columns.map((name) => {
    const cells = table.values[name]!;
    const present = cells.filter((c) => !isMissing(c, missingTokens));
    const missing = cells.length - present.length;
    if (present.length === 0) return { name, kind: 'empty', count: 0, missing, unique: 0 };
    const numbers = present.map(cellNumber);
    if (numbers.every((v) => !Number.isNaN(v))) {
      let mean = 0;
      let m2 = 0;
      numbers.forEach((v, i) => {
        const d = v - mean;
        mean += d / (i + 1);
        m2 += d * (v - mean);
      });
      return {
        name,
        kind: 'numeric',
        count: present.length,
        missing,
        unique: new Set(numbers).size,
        // A loop, not Math.min(...numbers): spreading 10^5+ arguments overflows the stack.
        min: numbers.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
        max: numbers.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
        mean,
        std: Math.sqrt(m2 / numbers.length),
      };
    }
    const counts = new Map<string, number>();
    for (const c of present) counts.set(String(c), (counts.get(String(c)) ?? 0) + 1);
    const categories = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 20)
      .map(([value, count]) => ({ value, count }));
    return {
      name,
      kind: 'categorical',
      count: present.length,
      missing,
      unique: counts.size,
      categories,
    };
  });
}
