/** Step 3: the missing-value policy decides which rows are kept (imputation comes after the split). */
import { DatasetFormatError } from '../../errors.js';
import { rowLocation, type Table } from '../table.js';

export type MissingPolicy = 'error' | 'drop' | 'impute-mean' | 'impute-median';

function listRows(rows: readonly number[]): string {
  const shown = rows.slice(0, 5).join(', ');
  return rows.length > 5 ? `${shown}, ... (${rows.length} rows)` : shown;
}

/**
 * The 0-based rows to keep and what was done, in words. `error` throws listing the missing cells;
 * `drop` keeps complete rows; the impute policies keep every row with a target.
 */
export function keepRows(
  table: Table,
  policy: MissingPolicy,
  target: string,
  used: readonly string[],
  missingRows: Readonly<Record<string, readonly number[]>>,
): { keep: number[]; notes: string[] } {
  const n0 = table.rowCount;
  const missingColumns = used.filter((c) => missingRows[c]!.length > 0);
  const anyMissing = new Uint8Array(n0);
  for (const c of missingColumns) for (const r of missingRows[c]!) anyMissing[r - 1] = 1;
  const rowsWithMissing = anyMissing.reduce((a, b) => a + b, 0);
  if (policy === 'error' && rowsWithMissing > 0) {
    const first = missingColumns.map((c) => missingRows[c]![0]!).reduce((a, b) => Math.min(a, b));
    const firstColumn = missingColumns.find((c) => missingRows[c]!.includes(first))!;
    throw new DatasetFormatError({
      file: table.file,
      ...rowLocation(table, first - 1),
      column: firstColumn,
      expected: "no missing cells (missing: 'error')",
      found: `${rowsWithMissing} row(s) with missing cells (${missingColumns
        .map((c) => `${c}: rows ${listRows(missingRows[c]!)}`)
        .join('; ')})`,
      hint: "Choose missing: 'drop' to drop those rows, or 'impute-mean' / 'impute-median' to fill features from the training split.",
    });
  }
  const notes: string[] = [];
  const targetMissing = new Set(missingRows[target]!);
  const keep: number[] = [];
  for (let r = 0; r < n0; r++) {
    if (policy === 'drop' ? anyMissing[r] === 0 : !targetMissing.has(r + 1)) keep.push(r);
  }
  if (policy === 'drop' && rowsWithMissing > 0) {
    const counts = missingColumns.map((c) => `${c}: ${missingRows[c]!.length}`).join(', ');
    notes.push(`dropped ${rowsWithMissing} of ${n0} rows with missing values (${counts})`);
  } else if (targetMissing.size > 0) {
    notes.push(`dropped ${targetMissing.size} of ${n0} rows whose target ${target} is missing`);
  }
  if (keep.length < 2) {
    throw new DatasetFormatError({
      file: table.file,
      expected: 'at least 2 rows after removing rows with missing values',
      found: `${keep.length}`,
    });
  }
  return { keep, notes };
}
