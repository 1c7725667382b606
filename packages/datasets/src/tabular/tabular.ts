/**
 * From a table to train/validation/test datasets: choose feature and target columns, one-hot
 * encode categories, drop or impute missing values (an explicit choice, reported in the metadata),
 * standardize with statistics of the training split only.
 */

import { requireOneOf, requireSeed } from '@deltaclip/utils';
import { Dataset } from '../dataset.js';
import { DatasetFormatError, UnknownColumnError } from '../errors.js';
import type { DatasetMetadata, Splits } from '../metadata.js';
import { inferColumnKinds } from './infer.js';
import { cellNumber, FLOAT32_MAX, fitsFloat32 } from './number.js';
import { type Cell, DEFAULT_MISSING_TOKENS, isMissing, rowLocation, type Table } from './table.js';

/** What to do with missing cells in the chosen columns. */
export type MissingPolicy = 'error' | 'drop' | 'impute-mean' | 'impute-median';

export interface TabularSpec {
  /** Dataset name for metadata. */
  readonly name: string;
  readonly task: 'regression' | 'classification';
  /** The target column. */
  readonly target: string;
  /** Numeric feature columns (used as numbers). */
  readonly numeric?: readonly string[];
  /** Categorical feature columns (one-hot encoded). */
  readonly categorical?: readonly string[];
  /**
   * Category order per categorical column; default: the distinct values, sorted. A value outside
   * a given list is an error.
   */
  readonly categories?: Readonly<Record<string, readonly string[]>>;
  /** Class order (classification); default: the distinct target values, sorted. */
  readonly classes?: readonly string[];
  /**
   * Missing cells in the chosen columns: `error` (default: throw, listing them), `drop` the rows,
   * or impute numeric features with the training split's mean/median and categorical ones with its
   * most frequent value. Rows whose target is missing are dropped in every mode but `error`.
   */
  readonly missing?: MissingPolicy;
  /** Cells read as missing (default {@link DEFAULT_MISSING_TOKENS}). */
  readonly missingTokens?: readonly string[];
  /** Standardize numeric features with training-split statistics (default true). */
  readonly standardize?: boolean;
  /** Standardize a regression target with training-split statistics (default true). */
  readonly standardizeTarget?: boolean;
  readonly description?: string;
  readonly source?: string;
  readonly licence?: string;
  /** Extra preprocessing lines to put first (e.g. what a preset did before this step). */
  readonly notes?: readonly string[];
}

export interface TabularSplitOptions {
  /** Seed of the split (default 0). */
  readonly seed?: number;
  /** Validation fraction (default 0.1). */
  readonly validation?: number;
  /** Test fraction (default 0.1). */
  readonly test?: number;
}

/** Splits plus the metadata they share (with `split: 'all'` and the total sample count). */
export interface TabularSplits extends Splits<Dataset> {
  readonly metadata: DatasetMetadata;
}

function fmtNum(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

function listRows(rows: readonly number[]): string {
  const shown = rows.slice(0, 5).join(', ');
  return rows.length > 5 ? `${shown}, ... (${rows.length} rows)` : shown;
}

/**
 * Prepare a tabular dataset. Throws {@link DatasetFormatError} for a non-numeric cell in a numeric
 * column (naming row, line and column), for a class or category outside a given list, and for
 * missing values under `missing: 'error'`; RangeError for unknown columns.
 *
 * @example
 * const { train, validation, test, metadata } = tabularDataset(parseCsv(text), {
 *   name: 'houses', task: 'regression', target: 'price', numeric: ['rooms', 'area'],
 *   categorical: ['district'], missing: 'drop',
 * }, { seed: 0 });
 */
export function tabularDataset(
  table: Table,
  spec: TabularSpec,
  options: TabularSplitOptions = {},
): TabularSplits {
  const seed = requireSeed('seed', options.seed ?? 0);
  const policy = requireOneOf('missing', spec.missing ?? 'error', [
    'error',
    'drop',
    'impute-mean',
    'impute-median',
  ] as const);
  const tokens = spec.missingTokens ?? DEFAULT_MISSING_TOKENS;
  const has = (c: string) => table.columns.includes(c);
  if (!has(spec.target)) {
    throw new UnknownColumnError('target', spec.target, table.file, table.columns);
  }
  let numeric = spec.numeric ? [...spec.numeric] : undefined;
  let categorical = spec.categorical ? [...spec.categorical] : undefined;
  if (!numeric && !categorical) {
    // Every other column, by what its cells hold.
    const kinds = inferColumnKinds(
      table,
      table.columns.filter((c) => c !== spec.target),
      tokens,
    );
    numeric = kinds.numeric;
    categorical = kinds.categorical;
  }
  numeric ??= [];
  categorical ??= [];
  for (const c of [...numeric, ...categorical]) {
    if (!has(c)) throw new UnknownColumnError('feature', c, table.file, table.columns);
    if (c === spec.target)
      throw new RangeError(`column '${c}' cannot be both a feature and the target`);
  }
  if (numeric.length + categorical.length === 0) {
    throw new RangeError('choose at least one feature column (numeric or categorical)');
  }
  const used = [spec.target, ...numeric, ...categorical];
  const n0 = table.rowCount;

  // Parse numbers (a non-numeric cell is an error in every mode) and find missing cells.
  const numbers: Record<string, Float64Array> = {};
  const missingRows: Record<string, number[]> = {};
  for (const c of used) missingRows[c] = [];
  const numericColumns = spec.task === 'regression' ? [spec.target, ...numeric] : numeric;
  for (const c of numericColumns) {
    const out = new Float64Array(n0);
    const cells = table.values[c]!;
    for (let r = 0; r < n0; r++) {
      const cell = cells[r] ?? null;
      if (isMissing(cell, tokens)) {
        out[r] = Number.NaN;
        missingRows[c]!.push(r + 1);
        continue;
      }
      const v = cellNumber(cell);
      if (Number.isNaN(v)) {
        throw new DatasetFormatError({
          file: table.file,
          ...rowLocation(table, r),
          column: c,
          expected: `a number (column '${c}' is ${c === spec.target ? 'the regression target' : 'a numeric feature'})`,
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
  }
  const strings: Record<string, (string | null)[]> = {};
  for (const c of spec.task === 'classification' ? [spec.target, ...categorical] : categorical) {
    strings[c] = table.values[c]!.map((cell: Cell, r) => {
      if (isMissing(cell, tokens)) {
        missingRows[c]!.push(r + 1);
        return null;
      }
      return String(cell).trim();
    });
  }

  const missingColumns = used.filter((c) => missingRows[c]!.length > 0);
  const describeMissing = () =>
    missingColumns.map((c) => `${c}: ${missingRows[c]!.length}`).join(', ');
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
  const notes: string[] = [...(spec.notes ?? [])];
  // Rows kept: all rows with a target; with 'drop', only complete rows.
  const targetMissing = new Set(missingRows[spec.target]!);
  const keep: number[] = [];
  for (let r = 0; r < n0; r++) {
    if (policy === 'drop' ? anyMissing[r] === 0 : !targetMissing.has(r + 1)) keep.push(r);
  }
  if (policy === 'drop' && rowsWithMissing > 0) {
    notes.push(
      `dropped ${rowsWithMissing} of ${n0} rows with missing values (${describeMissing()})`,
    );
  } else if (targetMissing.size > 0) {
    notes.push(
      `dropped ${targetMissing.size} of ${n0} rows whose target ${spec.target} is missing`,
    );
  }
  const n = keep.length;
  if (n < 2) {
    throw new DatasetFormatError({
      file: table.file,
      expected: 'at least 2 rows after removing rows with missing values',
      found: `${n}`,
    });
  }

  // Category and class vocabularies (schema, not statistics: taken from all kept rows).
  const vocab = (c: string, given: readonly string[] | undefined): string[] => {
    const values = strings[c]!;
    if (given) {
      for (const r of keep) {
        const v = values[r];
        if (v !== null && v !== undefined && !given.includes(v)) {
          throw new DatasetFormatError({
            file: table.file,
            ...rowLocation(table, r),
            column: c,
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
  };
  const categoryLists = categorical.map((c) => vocab(c, spec.categories?.[c]));
  const classes = spec.task === 'classification' ? vocab(spec.target, spec.classes) : [];
  if (spec.task === 'classification' && classes.length < 2) {
    throw new DatasetFormatError({
      file: table.file,
      column: spec.target,
      expected: 'at least 2 classes in the target column',
      found: `${classes.length} (${classes.join(', ')})`,
    });
  }

  // Feature matrix: numeric columns, then one block of one-hot columns per categorical column.
  const featureNames = [
    ...numeric,
    ...categorical.flatMap((c, k) => categoryLists[k]!.map((v) => `${c}=${v}`)),
  ];
  const width = featureNames.length;
  const x = new Float32Array(n * width);
  const missingCells: { row: number; col: number; column: string }[] = [];
  keep.forEach((r, i) => {
    numeric.forEach((c, j) => {
      const v = numbers[c]![r]!;
      if (Number.isNaN(v)) missingCells.push({ row: i, col: j, column: c });
      x[i * width + j] = v;
    });
    let offset = numeric.length;
    categorical.forEach((c, k) => {
      const list = categoryLists[k]!;
      const v = strings[c]![r];
      if (v === null || v === undefined) {
        missingCells.push({ row: i, col: offset, column: c });
      } else {
        x[i * width + offset + list.indexOf(v)] = 1;
      }
      offset += list.length;
    });
  });
  let y: Float32Array | Uint8Array | Int32Array;
  if (spec.task === 'regression') {
    y = Float32Array.from(keep, (r) => numbers[spec.target]![r]!);
  } else {
    y = classes.length <= 256 ? new Uint8Array(n) : new Int32Array(n);
    const labels = strings[spec.target]!;
    keep.forEach((r, i) => {
      y[i] = classes.indexOf(labels[r]!);
    });
  }

  const base = new Dataset({
    x,
    featureShape: [width],
    y,
    // Regression targets are [n, 1], like a one-output model's predictions; labels are [n].
    targetShape: spec.task === 'regression' ? [1] : [],
    ...(spec.task === 'classification' ? { numClasses: classes.length } : {}),
    metadata: {
      name: spec.name,
      task: spec.task,
      description:
        spec.description ??
        (spec.task === 'regression'
          ? `Predict ${spec.target} from ${width} feature(s).`
          : `Predict ${spec.target} (${classes.length} classes) from ${width} feature(s).`),
      featureNames,
      targetNames: spec.task === 'regression' ? [spec.target] : [],
      classes,
      source: spec.source ?? table.file,
      licence: spec.licence ?? 'unknown (user data)',
      preprocessing: [],
      details: { file: table.file, rows: n0, target: spec.target, numeric, categorical, seed },
    },
  });
  const validation = options.validation ?? 0.1;
  const test = options.test ?? 0.1;
  const parts = base.split({ validation, test, seed });
  notes.push(
    `split ${n} rows with seed ${seed}: ${parts.train.size} train, ${parts.validation.size} validation, ${parts.test.size} test`,
  );
  categorical.forEach((c, k) => {
    notes.push(
      `one-hot encoded ${c} (${categoryLists[k]!.length} categories: ${categoryLists[k]!.join(', ')})`,
    );
  });

  // Imputation with training-split statistics, written into the shared feature array.
  if (missingCells.length > 0) {
    const trainRows = parts.train.rowIndices();
    const fills: string[] = [];
    const byColumn = new Map<string, { col: number; rows: number[] }>();
    for (const m of missingCells) {
      const e = byColumn.get(m.column) ?? { col: m.col, rows: [] };
      e.rows.push(m.row);
      byColumn.set(m.column, e);
    }
    for (const [column, { col, rows }] of byColumn) {
      const k = categorical.indexOf(column);
      if (k < 0) {
        const present: number[] = [];
        for (const i of trainRows) {
          const v = x[i * width + col]!;
          if (!Number.isNaN(v)) present.push(v);
        }
        if (present.length === 0) {
          throw new DatasetFormatError({
            file: table.file,
            column,
            expected: 'at least one present value in the training split to impute from',
            found: 'none',
          });
        }
        const fill =
          policy === 'impute-median'
            ? median(present)
            : present.reduce((a, b) => a + b, 0) / present.length;
        for (const i of rows) x[i * width + col] = fill;
        fills.push(`${column}: ${rows.length} cell(s) with ${fmtNum(fill)}`);
      } else {
        const list = categoryLists[k]!;
        const counts = new Array<number>(list.length).fill(0);
        for (const i of trainRows)
          for (let j = 0; j < list.length; j++) counts[j]! += x[i * width + col + j]!;
        const mode = counts.indexOf(Math.max(...counts));
        for (const i of rows) x[i * width + col + mode] = 1;
        fills.push(`${column}: ${rows.length} cell(s) with '${list[mode]}'`);
      }
    }
    notes.push(
      `imputed missing features with the training split's ${policy === 'impute-median' ? 'median' : 'mean'} (most frequent value for categories): ${fills.join('; ')}`,
    );
  }

  // Standardization with training-split statistics only.
  let featureNormalization: { mean: number[]; std: number[] } | null = null;
  if (spec.standardize ?? true) {
    const stats = parts.train.featureStatistics();
    const mean = Array.from({ length: width }, () => 0);
    const std = Array.from({ length: width }, () => 1);
    const constant: string[] = [];
    numeric.forEach((c, j) => {
      mean[j] = stats.mean[j]!;
      const s = stats.std[j]!;
      if (s > 0) std[j] = s;
      else constant.push(c);
    });
    featureNormalization = { mean, std };
    if (numeric.length > 0) {
      notes.push(
        `standardized ${numeric.length} numeric feature(s) with the mean and standard deviation of the training split (${parts.train.size} rows)` +
          (categorical.length > 0 ? '; one-hot columns left as 0/1' : '') +
          (constant.length > 0
            ? `; constant in training (std 1 used): ${constant.join(', ')}`
            : ''),
      );
    }
  }
  let targetNormalization: { mean: number; std: number } | null = null;
  if (spec.task === 'regression' && (spec.standardizeTarget ?? true)) {
    const stats = parts.train.targetStatistics();
    const mean = stats.mean[0]!;
    const std = stats.std[0]! > 0 ? stats.std[0]! : 1;
    targetNormalization = { mean, std };
    notes.push(
      `standardized the target ${spec.target} with the training split's mean ${fmtNum(mean)} and standard deviation ${fmtNum(std)}: a prediction p means p * ${fmtNum(std)} + ${fmtNum(mean)} in original units, and a mean squared error e means e * ${fmtNum(std * std)} in squared original units`,
    );
  } else if (spec.task === 'regression') {
    notes.push(`target ${spec.target} left in original units`);
  }
  const finish = (d: Dataset) =>
    d
      .withNormalization({ features: featureNormalization, targets: targetNormalization })
      .withMetadata({ preprocessing: notes });
  const metadata = finish(base).metadata;
  return {
    train: finish(parts.train),
    validation: finish(parts.validation),
    test: finish(parts.test),
    metadata,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
