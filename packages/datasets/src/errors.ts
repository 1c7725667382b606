import { DeltaclipError } from '@deltaclip/utils';

/**
 * Where in an input a problem was found: a byte offset for binary formats, a row (and column) for
 * tabular ones.
 */
export interface FormatErrorLocation {
  /** 0-based byte offset into the (decompressed) file. */
  readonly offset?: number;
  /** 1-based data row (the header is not counted). */
  readonly row?: number;
  /** 1-based line of a text file (differs from `row` when quoted cells span lines). */
  readonly line?: number;
  /** Column name (or 1-based index when there is no header). */
  readonly column?: string;
}

export interface DatasetFormatErrorDetails extends FormatErrorLocation {
  /** The file name, or a label such as `<uploaded CSV>` for in-memory input. */
  readonly file: string;
  /** What the format requires at that place. */
  readonly expected: string;
  /** What the input holds there. */
  readonly found: string;
  /** What the user can do about it (optional). */
  readonly hint?: string;
}

function where(d: DatasetFormatErrorDetails): string {
  const parts: string[] = [];
  if (d.offset !== undefined) parts.push(`byte offset ${d.offset}`);
  if (d.row !== undefined) parts.push(`row ${d.row}`);
  if (d.line !== undefined) parts.push(`line ${d.line}`);
  if (d.column !== undefined) parts.push(`column '${d.column}'`);
  return parts.length > 0 ? ` at ${parts.join(', ')}` : '';
}

/** The longest `found` text a message quotes in full; a hostile cell can be megabytes long. */
const FOUND_SHOWN = 80;

/** `"99999…" (200,002 characters)`: the start of a long value and its length. */
function shorten(found: string): string {
  if (found.length <= FOUND_SHOWN) return found;
  return `${found.slice(0, FOUND_SHOWN)}… (${found.length.toLocaleString('en-US')} characters)`;
}

/**
 * A file (or in-memory input) does not follow its format: a wrong magic number, a truncated file, a
 * header that disagrees with the data size, a non-numeric cell in a numeric column, and so on.
 * Loaders never return a silently shortened dataset: they throw this instead.
 *
 * The message reads `file: at byte offset 4: expected ..., found .... hint`; the same facts are
 * available as fields for programs (`file`, `offset`, `row`, `line`, `column`, `expected`, `found`).
 */
export class DatasetFormatError extends DeltaclipError {
  override readonly name = 'DatasetFormatError';
  readonly code = 'DATASET_FORMAT';
  readonly file: string;
  readonly offset: number | undefined;
  readonly row: number | undefined;
  readonly line: number | undefined;
  readonly column: string | undefined;
  readonly expected: string;
  readonly found: string;

  constructor(details: DatasetFormatErrorDetails) {
    super(
      `${details.file}${where(details)}: expected ${details.expected}, found ${shorten(details.found)}.` +
        (details.hint ? ` ${details.hint}` : ''),
    );
    this.file = details.file;
    this.offset = details.offset;
    this.row = details.row;
    this.line = details.line;
    this.column = details.column;
    this.expected = details.expected;
    this.found = details.found;
  }
}

/** One file a directory loader looked for. */
export interface ExpectedFile {
  /** What the file holds, e.g. `training images`. */
  readonly role: string;
  /** Accepted file names, first the canonical one. */
  readonly names: readonly string[];
}

/**
 * A directory loader did not find the files of a dataset. The message lists every file it expected,
 * every folder it looked in, and where the dataset is usually obtained.
 */
export class DatasetNotFoundError extends DeltaclipError {
  override readonly name = 'DatasetNotFoundError';
  readonly code = 'DATASET_NOT_FOUND';

  constructor(
    /** Dataset name, e.g. `fashion-mnist`. */
    readonly dataset: string,
    /** Folders searched, in order. */
    readonly searched: readonly string[],
    /** The files that were missing. */
    readonly missing: readonly ExpectedFile[],
    /** Where users usually obtain the files. */
    readonly obtain: string,
  ) {
    const list = missing
      .map((f) => `  - ${f.role}: ${f.names.map((n) => `'${n}'`).join(' or ')}`)
      .join('\n');
    super(
      `Could not find the ${dataset} files. Missing:\n${list}\n` +
        `Looked in: ${searched.map((s) => `'${s}'`).join(', ')}.\n${obtain}`,
    );
  }
}

/**
 * A file is larger than the loader's cap on bytes read (after decompression): a gzip bomb, or a
 * file much larger than any dataset meant for this package. Raised while decompressing, before
 * the output is held in memory.
 */
export class DatasetTooLargeError extends DeltaclipError {
  override readonly name = 'DatasetTooLargeError';
  readonly code = 'DATASET_TOO_LARGE';

  constructor(
    /** The file (or label) being read. */
    readonly file: string,
    /** The cap in bytes. */
    readonly maxBytes: number,
    /** Whether the cap was hit while decompressing gzip. */
    readonly compressed: boolean,
  ) {
    super(
      `${file}: ${compressed ? 'decompresses to' : 'holds'} more than ${maxBytes} bytes (${formatBytes(maxBytes)}), the cap on ${compressed ? 'decompressed' : 'file'} size. ` +
        'If the file is genuine, pass a larger maxBytes option (for example maxBytes: 4 * 2 ** 30).',
    );
  }
}

/** `1 GiB`, `512 MiB`, `300 KiB`, `17 B`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toPrecision(4))} ${units[u]}`;
}

/** A column named by the caller (target, feature, dropped column) is not in the table. */
export class UnknownColumnError extends DeltaclipError {
  override readonly name = 'UnknownColumnError';
  readonly code = 'DATASET_UNKNOWN_COLUMN';

  constructor(
    /** What the column was meant to be: `target`, `feature`, `drop`. */
    readonly role: string,
    readonly column: string,
    readonly file: string,
    /** The columns the table has. */
    readonly columns: readonly string[],
  ) {
    super(
      `${role} column '${column}' is not in ${file}; columns: ${columns.map((c) => `'${c}'`).join(', ')}`,
    );
  }
}
