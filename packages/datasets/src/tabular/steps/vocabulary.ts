/** Step 4: category and class lists (schema, not statistics: taken from all kept rows). */
import { DatasetFormatError } from '../../errors.js';
import { rowLocation, type Table } from '../table.js';

/** The given list (checked: a value outside it is an error) or the sorted distinct values. */
export function vocabulary(
  table: Table,
  column: string,
  values: readonly (string | null)[],
  keep: readonly number[],
  given: readonly string[] | undefined,
): string[] {
  if (given) {
    for (const r of keep) {
      const v = values[r];
      if (v !== null && v !== undefined && !given.includes(v)) {
        throw new DatasetFormatError({
          file: table.file,
          ...rowLocation(table, r),
          column,
          expected: `one of ${given.map((g) => `'${g}'`).join(', ')}`,
          found: JSON.stringify(v),
        });
      }
    }
    return [...given];
  }
  const set = new Set<string>();
  for (const r of keep) {
    const v = values[r];
    if (v !== null && v !== undefined) set.add(v);
  }
  return [...set].sort();
}
