/**
 * Step 2: raw cells to values. Numeric columns become float64 arrays (NaN where missing) after the
 * number and float32-range checks; categorical columns become trimmed strings (null where missing).
 */
import { DatasetFormatError } from '../../errors.js';
import { cellNumber, FLOAT32_MAX, fitsFloat32 } from '../number.js';
import { isMissing, rowLocation, type Table } from '../table.js';

export interface ParsedColumns {
  readonly numbers: Readonly<Record<string, Float64Array>>;
  readonly strings: Readonly<Record<string, readonly (string | null)[]>>;
  /** 1-based rows with a missing cell, per used column. */
  readonly missingRows: Readonly<Record<string, readonly number[]>>;
}

/** Parse the numeric and string columns; a non-number or an out-of-float32 value is a DatasetFormatError. */
export function parseCells(
  table: Table,
  numericColumns: readonly string[],
  stringColumns: readonly string[],
  tokens: readonly string[],
  roleOf: (column: string) => string,
): ParsedColumns {
  const numbers: Record<string, Float64Array> = {};
  const strings: Record<string, (string | null)[]> = {};
  const missingRows: Record<string, number[]> = {};
  const n = table.rowCount;
  for (const c of numericColumns) {
    const out = new Float64Array(n);
    const missing: number[] = [];
    const cells = table.values[c]!;
    for (let r = 0; r < n; r++) {
      const cell = cells[r] ?? null;
      if (isMissing(cell, tokens)) {
        out[r] = Number.NaN;
        missing.push(r + 1);
        continue;
      }
      const v = cellNumber(cell);
      if (Number.isNaN(v)) {
        throw new DatasetFormatError({
          file: table.file,
          ...rowLocation(table, r),
          column: c,
          expected: `a number (column '${c}' is ${roleOf(c)})`,
          found: JSON.stringify(cell),
          hint: `Mark missing cells as empty or NA, or list '${c}' as categorical.`,
        });
      }
      if (!fitsFloat32(v)) {
        throw new DatasetFormatError({
          file: table.file,
          ...rowLocation(table, r),
          column: c,
          expected: `a number within the float32 range (|x| <= ${FLOAT32_MAX.toPrecision(8)}), which tensors store`,
          found: typeof cell === 'string' ? JSON.stringify(cell.trim()) : String(cell),
          hint: `Rescale column '${c}' (for example take its logarithm) or mark the cell as missing.`,
        });
      }
      out[r] = v;
    }
    numbers[c] = out;
    missingRows[c] = missing;
  }
  for (const c of stringColumns) {
    const missing: number[] = [];
    strings[c] = table.values[c]!.map((cell, r) => {
      if (isMissing(cell, tokens)) {
        missing.push(r + 1);
        return null;
      }
      return String(cell).trim();
    });
    missingRows[c] = missing;
  }
  return { numbers, strings, missingRows };
}
