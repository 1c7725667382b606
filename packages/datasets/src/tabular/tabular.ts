/**
 * From a table to train/validation/test datasets: choose feature and target columns, one-hot
 * encode categories, drop or impute missing values (an explicit choice, reported in the metadata),
 * standardize with statistics of the training split only.
 */
import { requireOneOf, requireSeed } from '@deltaclip/utils';
import { Dataset } from '../dataset.js';
import { DatasetFormatError } from '../errors.js';
import type { DatasetMetadata, Splits } from '../metadata.js';
import { selectColumns } from './steps/columns.js';
import { encodeFeatures, encodeTargets } from './steps/encode.js';
import { impute } from './steps/impute.js';
import { keepRows, type MissingPolicy } from './steps/missing-rows.js';
import { parseCells } from './steps/parse-cells.js';
import { featureStandardization, targetStandardization } from './steps/standardize.js';
import { vocabulary } from './steps/vocabulary.js';
import { DEFAULT_MISSING_TOKENS, type Table } from './table.js';

export type { MissingPolicy };

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

/**
 * Prepare a tabular dataset, as a pipeline of named steps (tabular/steps/): column selection and
 * type inference, cell parsing, the missing-value policy, vocabularies, encoding, the seeded
 * split, imputation and standardization with training-split statistics, and metadata. Throws
 * {@link DatasetFormatError} for a non-numeric or out-of-float32 cell in a numeric column (naming
 * row, line and column), for a class or category outside a given list, and for missing values
 * under `missing: 'error'`; UnknownColumnError for unknown columns.
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
  const regression = spec.task === 'regression';

  const { target, numeric, categorical } = selectColumns(table, spec, tokens);
  const parsed = parseCells(
    table,
    regression ? [target, ...numeric] : numeric,
    regression ? categorical : [target, ...categorical],
    tokens,
    (c) => (c === target ? 'the regression target' : 'a numeric feature'),
  );
  const kept = keepRows(
    table,
    policy,
    target,
    [target, ...numeric, ...categorical],
    parsed.missingRows,
  );
  const { keep } = kept;
  const notes = [...(spec.notes ?? []), ...kept.notes];

  const categoryLists = categorical.map((c) =>
    vocabulary(table, c, parsed.strings[c]!, keep, spec.categories?.[c]),
  );
  const classes = regression
    ? []
    : vocabulary(table, target, parsed.strings[target]!, keep, spec.classes);
  if (!regression && classes.length < 2) {
    throw new DatasetFormatError({
      file: table.file,
      column: target,
      expected: 'at least 2 classes in the target column',
      found: `${classes.length} (${classes.join(', ')})`,
    });
  }
  const features = encodeFeatures(
    keep,
    numeric,
    categorical,
    categoryLists,
    parsed.numbers,
    parsed.strings,
  );
  const y = encodeTargets(
    keep,
    regression ? parsed.numbers[target]! : parsed.strings[target]!,
    classes,
  );

  const n = keep.length;
  const base = new Dataset({
    x: features.x,
    featureShape: [features.width],
    y,
    // Regression targets are [n, 1], like a one-output model's predictions; labels are [n].
    targetShape: regression ? [1] : [],
    ...(regression ? {} : { numClasses: classes.length }),
    metadata: {
      name: spec.name,
      task: spec.task,
      description:
        spec.description ??
        (regression
          ? `Predict ${target} from ${features.width} feature(s).`
          : `Predict ${target} (${classes.length} classes) from ${features.width} feature(s).`),
      featureNames: features.featureNames,
      targetNames: regression ? [target] : [],
      classes,
      source: spec.source ?? table.file,
      licence: spec.licence ?? 'unknown (user data)',
      preprocessing: [],
      details: { file: table.file, rows: table.rowCount, target, numeric, categorical, seed },
    },
  });
  const parts = base.split({
    validation: options.validation ?? 0.1,
    test: options.test ?? 0.1,
    seed,
  });
  notes.push(
    `split ${n} rows with seed ${seed}: ${parts.train.size} train, ${parts.validation.size} validation, ${parts.test.size} test`,
  );
  categorical.forEach((c, k) => {
    notes.push(
      `one-hot encoded ${c} (${categoryLists[k]!.length} categories: ${categoryLists[k]!.join(', ')})`,
    );
  });

  const imputed = impute(
    table.file,
    features,
    categorical,
    categoryLists,
    parts.train.rowIndices(),
    policy === 'impute-median' ? 'median' : 'mean',
  );
  if (imputed) notes.push(imputed);

  let featureNormalization: { mean: number[]; std: number[] } | null = null;
  if (spec.standardize ?? true) {
    const f = featureStandardization(parts.train, numeric, categorical.length > 0);
    featureNormalization = f.normalization;
    if (f.note) notes.push(f.note);
  }
  let targetNormalization: { mean: number; std: number } | null = null;
  if (regression && (spec.standardizeTarget ?? true)) {
    const t = targetStandardization(parts.train, target);
    targetNormalization = t.normalization;
    notes.push(t.note);
  } else if (regression) {
    notes.push(`target ${target} left in original units`);
  }

  const finish = (d: Dataset) =>
    d
      .withNormalization({ features: featureNormalization, targets: targetNormalization })
      .withMetadata({ preprocessing: notes });
  return {
    train: finish(parts.train),
    validation: finish(parts.validation),
    test: finish(parts.test),
    metadata: finish(base).metadata,
  };
}
