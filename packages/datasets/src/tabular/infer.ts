/**
 * Type inference for table columns: a column is numeric when every present cell is a plain
 * decimal number, categorical otherwise. One rule for features and for the task of a target.
 */
import { cellNumber } from './number.js';
import { DEFAULT_MISSING_TOKENS, isMissing, type Table } from './table.js';

/** True when every present (non-missing) cell of the column is a number; false for all-missing. */
export function isNumericColumn(
  table: Table,
  column: string,
  tokens: readonly string[] = DEFAULT_MISSING_TOKENS,
): boolean {
  let present = 0;
  for (const cell of table.values[column]!) {
    if (isMissing(cell, tokens)) continue;
    present++;
    if (Number.isNaN(cellNumber(cell))) return false;
  }
  return present > 0;
}

/** Split `columns` into numeric and categorical ones, keeping their order. */
export function inferColumnKinds(
  table: Table,
  columns: readonly string[],
  tokens: readonly string[] = DEFAULT_MISSING_TOKENS,
): { numeric: string[]; categorical: string[] } {
  const numeric: string[] = [];
  const categorical: string[] = [];
  for (const c of columns) (isNumericColumn(table, c, tokens) ? numeric : categorical).push(c);
  return { numeric, categorical };
}
