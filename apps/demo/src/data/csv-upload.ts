/**
 * A user's CSV file as a race's data: which column is the target, which features are numbers and
 * which are categories, and whether the task is classification or regression — and, when the file
 * cannot be used, one clear sentence for the page. Parsing and the checks themselves are
 * @deltaclip/datasets' (parseCsv, tabularDataset and their DatasetFormatError).
 */
import {
  cellNumber,
  DatasetFormatError,
  isMissing,
  parseCsv,
  type Table,
  type TabularSplits,
  tabularDataset,
} from '@deltaclip/datasets';

/** An uploaded file's text and name. */
export interface CsvInput {
  readonly text: string;
  readonly file: string;
}

/** Most distinct values a text column may have to be one-hot encoded (or a target's classes). */
export const MAX_CATEGORIES = 20;
/** A numeric target with at most this many distinct integer values is read as class labels. */
export const MAX_INTEGER_CLASSES = 10;
/** Largest file the page accepts, in characters (the whole table is held in memory twice). */
export const MAX_CSV_CHARS = 20_000_000;

/** The file parsed, but its columns cannot make a data set (too many categories, one column...). */
export class CsvChoiceError extends Error {
  override readonly name = 'CsvChoiceError';
}

export interface CsvPlan {
  readonly target: string;
  readonly task: 'classification' | 'regression';
  readonly numeric: readonly string[];
  readonly categorical: readonly string[];
}

export interface PreparedCsv {
  readonly plan: CsvPlan;
  readonly splits: TabularSplits;
  readonly task: 'classification' | 'regression';
  readonly description: string;
  readonly columns: readonly string[];
}

/**
 * A column is numeric when at least half of its present cells are numbers: then a text cell in it
 * is an error of the file (reported with its row and line), not a reason to treat the column as
 * categories.
 */
function numericColumn(table: Table, column: string): boolean {
  const present = table.values[column]!.filter((c) => !isMissing(c));
  if (present.length === 0) return false;
  const numbers = present.filter((c) => !Number.isNaN(cellNumber(c))).length;
  return numbers * 2 >= present.length;
}

function distinct(table: Table, column: string): Set<string> {
  return new Set(table.values[column]!.filter((c) => !isMissing(c)).map((c) => String(c).trim()));
}

/** Choose the target, the task and the feature kinds of a table. */
export function planCsv(table: Table, target = ''): CsvPlan {
  if (table.columns.length < 2) {
    throw new CsvChoiceError(
      `${table.file} has ${table.columns.length} column; a data set needs at least one feature column and a target column`,
    );
  }
  const chosen = target === '' ? table.columns[table.columns.length - 1]! : target;
  if (!table.columns.includes(chosen)) {
    throw new CsvChoiceError(
      `${table.file} has no column '${chosen}'; choose the target among ${table.columns.map((c) => `'${c}'`).join(', ')}`,
    );
  }
  const targetValues = distinct(table, chosen);
  let task: CsvPlan['task'];
  if (numericColumn(table, chosen)) {
    const integers = [...targetValues].every((v) => Number.isInteger(cellNumber(v)));
    task = integers && targetValues.size <= MAX_INTEGER_CLASSES ? 'classification' : 'regression';
  } else {
    task = 'classification';
  }
  if (task === 'classification' && targetValues.size > MAX_CATEGORIES) {
    throw new CsvChoiceError(
      `target column '${chosen}' of ${table.file} holds ${targetValues.size} distinct text values; a classification target may have at most ${MAX_CATEGORIES} classes`,
    );
  }
  if (task === 'classification' && targetValues.size < 2) {
    throw new CsvChoiceError(
      `target column '${chosen}' of ${table.file} holds ${targetValues.size} class; a classification target needs at least 2`,
    );
  }
  const numeric: string[] = [];
  const categorical: string[] = [];
  for (const column of table.columns) {
    if (column === chosen) continue;
    if (numericColumn(table, column)) {
      numeric.push(column);
      continue;
    }
    const values = distinct(table, column);
    if (values.size === 0) continue; // an empty column carries nothing
    if (values.size > MAX_CATEGORIES) {
      throw new CsvChoiceError(
        `column '${column}' of ${table.file} holds ${values.size} distinct text values, too many to one-hot encode (at most ${MAX_CATEGORIES}); remove the column or make it numeric`,
      );
    }
    categorical.push(column);
  }
  if (numeric.length + categorical.length === 0) {
    throw new CsvChoiceError(
      `${table.file} has no usable feature column besides the target '${chosen}'`,
    );
  }
  return { target: chosen, task, numeric, categorical };
}

/**
 * Parse and prepare an uploaded CSV: rows with missing cells are dropped, numeric features (and a
 * regression target) standardized with training-split statistics.
 */
export function prepareCsv(
  input: CsvInput,
  options: { target?: string; test: number; seed: number },
): PreparedCsv {
  if (input.text.length > MAX_CSV_CHARS) {
    throw new CsvChoiceError(
      `${input.file} is ${input.text.length} characters long; the playground takes files of at most ${MAX_CSV_CHARS} characters`,
    );
  }
  const table = parseCsv(input.text, { file: input.file });
  const plan = planCsv(table, options.target ?? '');
  const splits = tabularDataset(
    table,
    {
      name: input.file,
      task: plan.task,
      target: plan.target,
      numeric: plan.numeric,
      categorical: plan.categorical,
      missing: 'drop',
      description: `${input.file}: predict '${plan.target}' (${plan.task}) from ${plan.numeric.length + plan.categorical.length} column(s)`,
      source: 'uploaded by the user',
      licence: 'the uploader’s',
    },
    { seed: options.seed, validation: 0, test: options.test },
  );
  if (splits.train.size < 2) {
    throw new CsvChoiceError(
      `${input.file} leaves ${splits.train.size} training row(s) after dropping rows with missing cells; a data set needs at least 2`,
    );
  }
  return {
    plan,
    splits,
    task: plan.task,
    description: splits.metadata.description,
    columns: table.columns,
  };
}

/**
 * The sentence the page shows when a file cannot be used. Format problems come with the place
 * (row, line, column) that @deltaclip/datasets found; anything unexpected is reported as it is.
 */
export function csvErrorMessage(file: string, error: unknown): string {
  const reason =
    error instanceof DatasetFormatError ||
    error instanceof CsvChoiceError ||
    error instanceof RangeError
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  const sentence = /[.!?]$/.test(reason) ? reason : `${reason}.`;
  return `Could not use “${file}”: ${sentence} The previous data set is kept.`;
}

/** What the page does with an upload: the prepared data or the message to show. */
export type CsvCheck =
  | { readonly ok: true; readonly prepared: PreparedCsv }
  | { readonly ok: false; readonly message: string };

/** Try an uploaded file without throwing (the page keeps its state on failure). */
export function checkCsv(
  input: CsvInput,
  options: { target?: string; test: number; seed: number },
): CsvCheck {
  try {
    return { ok: true, prepared: prepareCsv(input, options) };
  } catch (error) {
    return { ok: false, message: csvErrorMessage(input.file, error) };
  }
}
