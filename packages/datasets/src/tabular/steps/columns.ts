/** Step 1 of tabularDataset: which columns are the target, the numeric and the categorical features. */
import { UnknownColumnError } from '../../errors.js';
import { inferColumnKinds } from '../infer.js';
import type { Table } from '../table.js';

export interface ColumnChoice {
  readonly target: string;
  readonly numeric: readonly string[];
  readonly categorical: readonly string[];
}

/**
 * Check the named columns exist (UnknownColumnError otherwise) and, when no feature column is
 * named, infer every other column's kind from its cells.
 */
export function selectColumns(
  table: Table,
  spec: { target: string; numeric?: readonly string[]; categorical?: readonly string[] },
  tokens: readonly string[],
): ColumnChoice {
  const { target } = spec;
  if (!table.columns.includes(target)) {
    throw new UnknownColumnError('target', target, table.file, table.columns);
  }
  let { numeric, categorical } = spec;
  if (!numeric && !categorical) {
    ({ numeric, categorical } = inferColumnKinds(
      table,
      table.columns.filter((c) => c !== target),
      tokens,
    ));
  }
  numeric ??= [];
  categorical ??= [];
  for (const c of [...numeric, ...categorical]) {
    if (!table.columns.includes(c))
      throw new UnknownColumnError('feature', c, table.file, table.columns);
    if (c === target) throw new RangeError(`column '${c}' cannot be both a feature and the target`);
  }
  if (numeric.length + categorical.length === 0) {
    throw new RangeError('choose at least one feature column (numeric or categorical)');
  }
  return { target, numeric: [...numeric], categorical: [...categorical] };
}
