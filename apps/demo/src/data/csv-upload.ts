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
  readTable,
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
export const MAX_CSV_CHARS = 50_000_000;
/** How much of the start of a file decides whether it is text at all. */
export const TEXT_SNIFF_BYTES = 1024;

/** The file parsed, but its columns cannot make a data set (too many categories, one column...). */
export class CsvChoiceError extends Error {
  override readonly name = 'CsvChoiceError';
}

/** The file is not text (an image, a spreadsheet, a zip): nothing to parse as CSV. */
export class CsvNotTextError extends Error {
  override readonly name = 'CsvNotTextError';
}

/**
 * Why the first bytes of a file are not text, or null when they are: a NUL byte (text files have
 * none; images, spreadsheets and archives have them within a few bytes) or bytes that are not
 * UTF-8. A multi-byte character cut by the end of `head` is not held against it.
 */
export function notTextReason(head: Uint8Array): string | null {
  const nul = head.indexOf(0);
  if (nul >= 0) return `a NUL byte at byte ${nul}`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return `bytes that are not UTF-8 text in its first ${head.length} bytes`;
  }
  return null;
}

/** What the parser reports while it reads an upload (for the page's progress line). */
export interface CsvProgress {
  /** One sentence, e.g. `Parsing cars.csv (19.5 MB)…`. */
  readonly text: string;
  /** Share of the work done, 0..1. */
  readonly fraction: number;
}

const megabytes = (bytes: number) => `${Number((bytes / 1e6).toPrecision(3))} MB`;

/**
 * Read an uploaded file into a table: refuse what is not text from its first KB, then decode it
 * strictly (invalid UTF-8 further on is an error with its byte offset, never U+FFFD cells) and
 * parse it (@deltaclip/datasets' readTable: CSV, TSV by extension, or JSON records).
 */
export async function readCsvUpload(
  blob: Blob,
  file: string,
  onProgress: (p: CsvProgress) => void = () => {},
): Promise<Table> {
  const head = new Uint8Array(await blob.slice(0, TEXT_SNIFF_BYTES).arrayBuffer());
  const reason = notTextReason(head);
  if (reason !== null) {
    throw new CsvNotTextError(
      `${file} is not a text file (${reason}): upload a CSV or TSV file saved as UTF-8 text`,
    );
  }
  if (blob.size > MAX_CSV_CHARS) {
    throw new CsvChoiceError(
      `${file} is ${megabytes(blob.size)}; the playground takes files of at most ${megabytes(MAX_CSV_CHARS)}`,
    );
  }
  onProgress({ text: `Reading and parsing ${file} (${megabytes(blob.size)})…`, fraction: 0.1 });
  const table = await readTable(blob, { file });
  onProgress({
    text: `Parsed ${table.rowCount.toLocaleString('en')} rows × ${table.columns.length} columns of ${file}; checking the columns…`,
    fraction: 0.5,
  });
  return table;
}

/** `table` without the columns in `drop` (names that are not columns are an error). */
export function dropColumns(table: Table, drop: readonly string[]): Table {
  if (drop.length === 0) return table;
  const unknown = drop.filter((c) => !table.columns.includes(c));
  if (unknown.length > 0) {
    throw new CsvChoiceError(
      `${table.file} has no column ${unknown.map((c) => `'${c}'`).join(', ')} to drop`,
    );
  }
  const columns = table.columns.filter((c) => !drop.includes(c));
  return {
    ...table,
    columns,
    values: Object.fromEntries(columns.map((c) => [c, table.values[c]!])),
  };
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
        `column '${column}' of ${table.file} holds ${values.size} distinct text values, too many to one-hot encode (at most ${MAX_CATEGORIES}); drop it (tick '${column}' under Drop columns) or make it numeric`,
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

/** What the page chose for an upload: target (empty: the last column), dropped columns, split. */
export interface CsvOptions {
  readonly target?: string;
  readonly drop?: readonly string[];
  readonly test: number;
  readonly seed: number;
}

/**
 * Prepare a parsed upload: columns dropped, rows with missing cells dropped, numeric features
 * (and a regression target) standardized with training-split statistics.
 */
export function prepareTable(parsed: Table, options: CsvOptions): PreparedCsv {
  const table = dropColumns(parsed, options.drop ?? []);
  const plan = planCsv(table, options.target ?? '');
  const file = table.file;
  const splits = tabularDataset(
    table,
    {
      name: file,
      task: plan.task,
      target: plan.target,
      numeric: plan.numeric,
      categorical: plan.categorical,
      missing: 'drop',
      description: `${file}: predict '${plan.target}' (${plan.task}) from ${plan.numeric.length + plan.categorical.length} column(s)`,
      source: 'uploaded by the user',
      licence: 'the uploader’s',
    },
    { seed: options.seed, validation: 0, test: options.test },
  );
  if (splits.train.size < 2) {
    throw new CsvChoiceError(
      `${file} leaves ${splits.train.size} training row(s) after dropping rows with missing cells; a data set needs at least 2`,
    );
  }
  return {
    plan,
    splits,
    task: plan.task,
    description: splits.metadata.description,
    columns: parsed.columns,
  };
}

/** Parse and prepare an uploaded CSV given as text (see {@link prepareTable}). */
export function prepareCsv(input: CsvInput, options: CsvOptions): PreparedCsv {
  if (input.text.length > MAX_CSV_CHARS) {
    throw new CsvChoiceError(
      `${input.file} is ${input.text.length} characters long; the playground takes files of at most ${MAX_CSV_CHARS} characters`,
    );
  }
  return prepareTable(parseCsv(input.text, { file: input.file }), options);
}

/**
 * The sentence the page shows when a file cannot be used. Format problems come with the place
 * (row, line, column) that @deltaclip/datasets found; anything unexpected is reported as it is.
 */
export function csvErrorMessage(file: string, error: unknown): string {
  const reason =
    error instanceof DatasetFormatError ||
    error instanceof CsvChoiceError ||
    error instanceof CsvNotTextError ||
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
export function checkCsv(input: CsvInput, options: CsvOptions): CsvCheck {
  try {
    return { ok: true, prepared: prepareCsv(input, options) };
  } catch (error) {
    return { ok: false, message: csvErrorMessage(input.file, error) };
  }
}
