/**
 * CSV and TSV text into a {@link Table}, parsed by papaparse (RFC 4180 quotes, doubled quotes,
 * CRLF / LF / CR line ends, cells spanning lines; linear time, no Node-only code in the browser
 * build). This file adds what a dataset needs on top: delimiter sniffing, header checks, ragged
 * rows as errors, and the source line of every row for messages. See the README for why
 * papaparse was chosen.
 */
import Papa from 'papaparse';
import { DatasetFormatError } from '../errors.js';
import { assertText } from '../text/decode.js';
import type { Cell, Table } from './table.js';

export interface CsvOptions {
  /** File name for errors (default `<csv>`). */
  readonly file?: string;
  /** Cell separator; default: a tab if the header line has one and no comma, else a comma. */
  readonly delimiter?: ',' | '\t' | ';';
}

/** The delimiter of a header line when none is given. */
function sniffDelimiter(src: string): ',' | '\t' {
  const end = src.search(/[\r\n]/);
  const first = end < 0 ? src : src.slice(0, end);
  return first.includes('\t') && !first.includes(',') ? '\t' : ',';
}

/**
 * Tracks 1-based line numbers through the text as rows arrive, in one forward pass (rows come in
 * order, so the total work is linear in the text length).
 */
class LineCounter {
  private pos = 0;
  private line = 1;
  constructor(private readonly src: string) {}

  /** Advance to `offset`, counting LF, CRLF and lone CR as one line end each. */
  to(offset: number): number {
    const { src } = this;
    for (; this.pos < offset && this.pos < src.length; this.pos++) {
      const c = src.charCodeAt(this.pos);
      if (c === 0x0a || (c === 0x0d && src.charCodeAt(this.pos + 1) !== 0x0a)) this.line++;
    }
    return this.line;
  }

  /** Skip line ends (skipped blank lines) and return the line the next row starts on. */
  rowStart(): number {
    const { src } = this;
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (c !== 0x0a && c !== 0x0d) return this.line;
      this.to(this.pos + 1);
    }
  }
}

/**
 * Parse CSV/TSV text whose first line is the header. Blank lines are skipped; a leading BOM is
 * dropped. Throws {@link DatasetFormatError} for an empty file, binary data, a header without data
 * rows, empty or duplicate column names, a row whose cell count differs from the header's (a ragged
 * row), an unterminated quote, or text after a closing quote.
 *
 * @example
 * const table = parseCsv('a,b\n1,2\n3,4\n', { file: 'upload.csv' });
 */
export function parseCsv(text: string, options: CsvOptions = {}): Table {
  const file = options.file ?? '<csv>';
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (src.trim().length === 0) {
    throw new DatasetFormatError({
      file,
      line: 1,
      expected: 'a header line with column names',
      found: 'an empty file',
    });
  }
  assertText(src, file);
  const delimiter = options.delimiter ?? sniffDelimiter(src);

  const records: string[][] = [];
  const recordLines: number[] = [];
  const lines = new LineCounter(src);
  let quoteError: DatasetFormatError | undefined;
  Papa.parse<string[]>(src, {
    delimiter,
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: true,
    step(result, parser) {
      const start = lines.rowStart();
      const error = result.errors[0];
      if (error && error.type === 'Quotes' && quoteError === undefined) {
        quoteError = quoteFailure(src, file, error, result.data, records.length, lines);
        parser.abort();
        return;
      }
      records.push(result.data);
      recordLines.push(start);
      lines.to(result.meta.cursor);
    },
  });
  if (quoteError) throw quoteError;

  const header = records[0]!;
  const names = header.map((h) => h.trim());
  const seen = new Set<string>();
  names.forEach((name, c) => {
    if (name.length === 0 || seen.has(name)) {
      throw new DatasetFormatError({
        file,
        line: recordLines[0],
        column: String(c + 1),
        expected: 'a unique, non-empty column name in the header',
        found: name.length === 0 ? 'an empty name' : `a second column named '${name}'`,
      });
    }
    seen.add(name);
  });
  const rowCount = records.length - 1;
  if (rowCount === 0) {
    throw new DatasetFormatError({
      file,
      line: recordLines[0]! + 1,
      expected: 'at least one data row after the header',
      found: 'only the header',
    });
  }
  const values: Record<string, Cell[]> = {};
  for (const name of names) values[name] = new Array<Cell>(rowCount);
  const rowLines = new Int32Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const cells = records[r + 1]!;
    if (cells.length !== names.length) {
      throw new DatasetFormatError({
        file,
        row: r + 1,
        line: recordLines[r + 1],
        expected: `${names.length} cells (one per header column)`,
        found: `${cells.length} cell(s)`,
        hint: delimiter === ',' ? 'Quote cells that contain commas.' : undefined,
      });
    }
    for (let c = 0; c < names.length; c++) values[names[c]!]![r] = cells[c]!;
    rowLines[r] = recordLines[r + 1]!;
  }
  return { file, columns: names, values, rowCount, lines: rowLines };
}

/**
 * The error for papaparse's quote errors. `error.index` is just past the opening quote of the
 * bad cell; the cell is the last one papaparse returned for the row.
 */
function quoteFailure(
  src: string,
  file: string,
  error: Papa.ParseError,
  cells: readonly string[],
  row: number,
  lines: LineCounter,
): DatasetFormatError {
  const open = Math.max(0, (error.index ?? 1) - 1);
  const location = { line: lines.to(open), row, column: String(Math.max(1, cells.length)) };
  if (error.code === 'MissingQuotes') {
    return new DatasetFormatError({
      file,
      ...location,
      expected: 'a closing quote (")',
      found: 'the end of the file',
    });
  }
  // InvalidQuotes: find the closing quote (skipping doubled ones) and show what follows it.
  let i = open + 1;
  while (i < src.length) {
    if (src[i] === '"') {
      if (src[i + 1] === '"') i += 2;
      else break;
    } else i++;
  }
  return new DatasetFormatError({
    file,
    ...location,
    expected: 'a delimiter or the end of the line after a closing quote',
    found: JSON.stringify(src[i + 1] ?? ''),
  });
}
