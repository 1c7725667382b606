/**
 * Step 7 (after the split): fill missing features with training-split statistics, in place in
 * the shared feature matrix: the mean or median for numbers, the most frequent category otherwise.
 */
import { DatasetFormatError } from '../../errors.js';
import type { EncodedFeatures } from './encode.js';

function fmtNum(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Impute and return the note describing it (undefined when nothing was missing). */
export function impute(
  file: string,
  features: EncodedFeatures,
  categorical: readonly string[],
  categoryLists: readonly (readonly string[])[],
  trainRows: ArrayLike<number>,
  statistic: 'mean' | 'median',
): string | undefined {
  const { x, width, missingCells } = features;
  if (missingCells.length === 0) return undefined;
  const byColumn = new Map<string, { col: number; rows: number[] }>();
  for (const m of missingCells) {
    const e = byColumn.get(m.column) ?? { col: m.col, rows: [] };
    e.rows.push(m.row);
    byColumn.set(m.column, e);
  }
  const fills: string[] = [];
  for (const [column, { col, rows }] of byColumn) {
    const k = categorical.indexOf(column);
    if (k < 0) {
      const present: number[] = [];
      for (let t = 0; t < trainRows.length; t++) {
        const v = x[trainRows[t]! * width + col]!;
        if (!Number.isNaN(v)) present.push(v);
      }
      if (present.length === 0) {
        throw new DatasetFormatError({
          file,
          column,
          expected: 'at least one present value in the training split to impute from',
          found: 'none',
        });
      }
      const fill =
        statistic === 'median'
          ? median(present)
          : present.reduce((a, b) => a + b, 0) / present.length;
      for (const i of rows) x[i * width + col] = fill;
      fills.push(`${column}: ${rows.length} cell(s) with ${fmtNum(fill)}`);
    } else {
      const list = categoryLists[k]!;
      const counts = new Array<number>(list.length).fill(0);
      for (let t = 0; t < trainRows.length; t++)
        for (let j = 0; j < list.length; j++) counts[j]! += x[trainRows[t]! * width + col + j]!;
      const mode = counts.indexOf(Math.max(...counts));
      for (const i of rows) x[i * width + col + mode] = 1;
      fills.push(`${column}: ${rows.length} cell(s) with '${list[mode]}'`);
    }
  }
  return `imputed missing features with the training split's ${statistic} (most frequent value for categories): ${fills.join('; ')}`;
}
