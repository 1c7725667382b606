/**
 * `--data PATH`: a user's own file or folder as train/validation/test datasets, with the choices
 * made on the user's behalf (format, target, task, feature kinds) written into a description the
 * CLI prints. CSV, TSV and JSON files go through the tabular pipeline; IDX and CIFAR folders are
 * recognised by the files inside.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { requireOneOf } from '@deltaclip/utils';
import type { Dataset } from '../dataset.js';
import { DatasetNotFoundError, UnknownColumnError } from '../errors.js';
import { CIFAR_FILES } from '../formats/cifar.js';
import type { ReadLimits } from '../formats/limits.js';
import { MNIST_FILES } from '../formats/mnist.js';
import type { DatasetMetadata, Splits } from '../metadata.js';
import { parseCsv } from '../tabular/csv.js';
import { inferColumnKinds, isNumericColumn } from '../tabular/infer.js';
import { cellNumber } from '../tabular/number.js';
import { DEFAULT_MISSING_TOKENS, isMissing, type Table, tableFromJson } from '../tabular/table.js';
import { type MissingPolicy, tabularDataset } from '../tabular/tabular.js';
import { decodeText } from '../text/decode.js';
import { loadCifarDirectory, loadMnistDirectory } from './directories.js';
import { readFileBytes } from './files.js';

export type DataTask = 'regression' | 'classification';
export type DataFormat = 'csv' | 'tsv' | 'json' | 'idx' | 'cifar';

export interface DataFileOptions extends ReadLimits {
  /** Target column (default: the last column that is not dropped). Folders: only `label`. */
  readonly target?: string;
  /** Columns to ignore. */
  readonly drop?: readonly string[];
  /** Default: inferred from the target (numeric -> regression, otherwise classification). */
  readonly task?: DataTask;
  /** Seed of the split (default 0). */
  readonly seed?: number;
  /** Validation fraction (default 0.1; folders: held out of the official training split). */
  readonly validation?: number;
  /** Test fraction of a table (default 0.1; folders use their official test split). */
  readonly test?: number;
  /** Rows with missing cells in the used columns (default `drop`, reported in `notes`). */
  readonly missing?: MissingPolicy;
}

export interface DataFileDescription {
  readonly path: string;
  readonly format: DataFormat;
  readonly task: DataTask;
  readonly taskInferred: boolean;
  readonly target: string;
  /** Feature columns as used (tables: numeric ones first, then categorical; folders: the pixels). */
  readonly features: string[];
  /** Samples used, all splits together. */
  readonly rows: number;
  readonly classes?: string[];
  readonly dropped: string[];
  /** What was inferred and done, in words. */
  readonly notes: string[];
}

export interface DataPathSplits extends Splits<Dataset> {
  readonly metadata: DatasetMetadata;
  readonly description: DataFileDescription;
}

const TABLE_FORMATS: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.json': 'json',
};

function notFound(
  path: string,
  what: string,
  searched: string,
  hint: string,
): DatasetNotFoundError {
  return new DatasetNotFoundError(
    'data',
    [searched],
    [{ role: what, names: [basename(path)] }],
    hint,
  );
}

/** What a folder holds, by the standard file names inside (also in the usual sub-folders). */
function folderFormat(dir: string): { format: 'idx' | 'cifar'; variant: string } | undefined {
  const names = new Set<string>();
  const visit = (d: string, depth: number) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isFile()) names.add(entry.name);
      else if (entry.isDirectory() && depth < 2) visit(resolve(d, entry.name), depth + 1);
    }
  };
  visit(dir, 0);
  const has = (list: readonly string[]) => list.some((n) => names.has(n));
  if (has(MNIST_FILES.trainImages.names)) {
    return { format: 'idx', variant: /fashion/i.test(dir) ? 'fashion-mnist' : 'mnist' };
  }
  if (has(CIFAR_FILES['cifar-10'].train[0]!.names)) return { format: 'cifar', variant: 'cifar-10' };
  if (has(CIFAR_FILES['cifar-100'].train[0]!.names))
    return { format: 'cifar', variant: 'cifar-100' };
  return undefined;
}

/** A table's format by extension (after `.gz`), else sniffed: `[` or `{` first is JSON, a header with tabs and no comma TSV. */
function tableFormat(
  path: string,
  text: string,
): { format: 'csv' | 'tsv' | 'json'; sniffed: boolean } {
  const known = TABLE_FORMATS[extname(path.replace(/\.gz$/i, '')).toLowerCase()];
  if (known) return { format: known as 'csv' | 'tsv' | 'json', sniffed: false };
  const start = text.replace(/^\ufeff/, '').trimStart();
  if (start.startsWith('[') || start.startsWith('{')) return { format: 'json', sniffed: true };
  const end = start.search(/[\r\n]/);
  const header = end < 0 ? start : start.slice(0, end);
  return { format: header.includes('\t') && !header.includes(',') ? 'tsv' : 'csv', sniffed: true };
}

/** The target's task: numeric cells -> regression, otherwise classification, with a note. */
function inferTask(table: Table, target: string, notes: string[]): DataTask {
  if (!isNumericColumn(table, target)) {
    notes.push(`task: classification, inferred (target ${target} holds non-numeric values)`);
    return 'classification';
  }
  const distinct = new Set<number>();
  for (const cell of table.values[target]!) {
    if (!isMissing(cell, DEFAULT_MISSING_TOKENS)) distinct.add(cellNumber(cell));
    if (distinct.size > 10) break;
  }
  const fewIntegers = distinct.size <= 10 && [...distinct].every(Number.isInteger);
  notes.push(
    `task: regression, inferred (target ${target} is numeric)` +
      (fewIntegers
        ? `; it has only ${distinct.size} distinct integer values: if they are class codes, pass task 'classification' (--task classification)`
        : ''),
  );
  return 'regression';
}

async function loadTable(path: string, options: DataFileOptions): Promise<DataPathSplits> {
  const text = decodeText(await readFileBytes(path, options), path);
  const { format, sniffed } = tableFormat(path, text);
  const table =
    format === 'json'
      ? tableFromJson(text, path)
      : parseCsv(text, { file: path, delimiter: format === 'tsv' ? '\t' : ',' });
  const notes: string[] = [];
  if (sniffed) notes.push(`format: ${format}, sniffed from the content`);
  const dropped = [...(options.drop ?? [])];
  for (const c of dropped) {
    if (!table.columns.includes(c)) throw new UnknownColumnError('drop', c, path, table.columns);
  }
  const kept = table.columns.filter((c) => !dropped.includes(c));
  const target = options.target ?? kept[kept.length - 1];
  if (target === undefined || !table.columns.includes(target)) {
    throw new UnknownColumnError('target', String(target), path, table.columns);
  }
  if (dropped.includes(target)) {
    throw new UnknownColumnError('target', target, path, kept);
  }
  if (options.target === undefined) notes.push(`target: ${target} (the last column)`);
  const task =
    options.task !== undefined
      ? requireOneOf('task', options.task, ['regression', 'classification'] as const)
      : inferTask(table, target, notes);
  const kinds = inferColumnKinds(
    table,
    kept.filter((c) => c !== target),
  );
  if (kinds.categorical.length > 0) {
    notes.push(`categorical (one-hot): ${kinds.categorical.join(', ')}`);
  }
  if (dropped.length > 0) notes.push(`dropped columns: ${dropped.join(', ')}`);
  const splits = tabularDataset(
    table,
    {
      name: basename(path)
        .replace(/\.gz$/i, '')
        .replace(/\.[^.]+$/, ''),
      task,
      target,
      numeric: kinds.numeric,
      categorical: kinds.categorical,
      missing: options.missing ?? 'drop',
      notes,
    },
    {
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.validation !== undefined ? { validation: options.validation } : {}),
      ...(options.test !== undefined ? { test: options.test } : {}),
    },
  );
  const description: DataFileDescription = {
    path,
    format,
    task,
    taskInferred: options.task === undefined,
    target,
    features: [...kinds.numeric, ...kinds.categorical],
    rows: splits.metadata.numSamples,
    ...(task === 'classification' ? { classes: [...splits.metadata.classes] } : {}),
    dropped,
    notes: [...splits.metadata.preprocessing],
  };
  return { ...splits, description };
}

async function loadFolder(
  dir: string,
  kind: { format: 'idx' | 'cifar'; variant: string },
  options: DataFileOptions,
): Promise<DataPathSplits> {
  if (options.target !== undefined && options.target !== 'label') {
    throw new UnknownColumnError('target', options.target, dir, ['label']);
  }
  if (options.drop !== undefined && options.drop.length > 0) {
    throw new UnknownColumnError('drop', options.drop[0]!, dir, ['label']);
  }
  if (options.task === 'regression') {
    throw new RangeError(
      `task 'regression' does not apply to ${dir}: image folders are labelled classes`,
    );
  }
  const limits = options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {};
  const { train, test } =
    kind.format === 'idx'
      ? await loadMnistDirectory(dir, {
          variant: kind.variant as 'mnist' | 'fashion-mnist',
          ...limits,
        })
      : await loadCifarDirectory(dir, {
          variant: kind.variant as 'cifar-10' | 'cifar-100',
          ...limits,
        });
  const seed = options.seed ?? 0;
  const validation = options.validation ?? 0.1;
  const parts = train.split({ validation, test: 0, seed });
  const notes = [
    `format: ${kind.format} folder, read as ${kind.variant} (by the file names inside)`,
    `held out ${parts.validation.size} of ${train.size} training images for validation (seed ${seed}); test: the official ${test.size}`,
  ];
  const metadata = { ...train.metadata, split: 'all' as const, numSamples: train.size + test.size };
  const description: DataFileDescription = {
    path: dir,
    format: kind.format,
    task: 'classification',
    taskInferred: options.task === undefined,
    target: 'label',
    features: [`pixels ${JSON.stringify(train.metadata.featureShape)}`],
    rows: train.size + test.size,
    classes: [...train.metadata.classes],
    dropped: [],
    notes,
  };
  return { train: parts.train, validation: parts.validation, test, metadata, description };
}

/**
 * Load a CSV, TSV (by extension .tsv/.tab, or sniffed) or JSON (array of records) file, or an IDX
 * (MNIST / Fashion-MNIST) or CIFAR folder, as seeded train/validation/test datasets plus a
 * description of what was inferred. Throws DatasetNotFoundError for a missing path or a folder
 * without known files, UnknownColumnError for an unknown target or dropped column, and
 * DatasetFormatError for a malformed file.
 *
 * @example
 * const { train, validation, test, description } = await loadDataPath('houses.csv', { target: 'price' });
 * console.log(description.task, description.notes.join('\n'));
 */
export async function loadDataPath(
  path: string,
  options: DataFileOptions = {},
): Promise<DataPathSplits> {
  const full = resolve(path);
  if (!existsSync(full)) {
    throw notFound(
      full,
      'a CSV, TSV or JSON file, or a folder of IDX or CIFAR files',
      resolve(full, '..'),
      `Check the path '${path}'.`,
    );
  }
  if (statSync(full).isDirectory()) {
    const kind = folderFormat(full);
    if (!kind) {
      throw new DatasetNotFoundError(
        'data',
        [full],
        [
          MNIST_FILES.trainImages,
          CIFAR_FILES['cifar-10'].train[0]!,
          CIFAR_FILES['cifar-100'].train[0]!,
        ],
        'A data folder holds the IDX files of MNIST / Fashion-MNIST or the binary files of CIFAR-10 / CIFAR-100; pass a CSV, TSV or JSON file for a table.',
      );
    }
    return loadFolder(full, kind, options);
  }
  return loadTable(full, options);
}

/** The description {@link loadDataPath} would return (the same checks and inference). */
export async function describeDataPath(
  path: string,
  options: DataFileOptions = {},
): Promise<DataFileDescription> {
  return (await loadDataPath(path, options)).description;
}
