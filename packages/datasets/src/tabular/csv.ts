/**
 * CSV and TSV text (RFC 4180: quoted cells, doubled quotes, CRLF or LF line ends, cells spanning
 * lines) into a {@link Table}. Works on strings, so uploads parse the same in the browser.
 */
import { DatasetFormatError } from '../errors.js';
import type { Cell, Table } from './table.js';

export interface CsvOptions {
  /** File name for errors (default `<csv>`). */
  readonly file?: string;
  /** Cell separator; default: a tab if the header line has one and no comma, else a comma. */
  readonly delimiter?: ',' | '\t' | ';';
}

/**
 * Parse CSV/TSV text whose first line is the header. Blank lines are skipped. Throws
 * {@link DatasetFormatError} for an empty file, a header without data rows, empty or duplicate
 * column names, a row whose cell count differs from the header's (a ragged row), an unterminated
 * quote, or text after a closing quote.
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
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const delimiter =
    options.delimiter ?? (firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',');

  const records: string[][] = [];
  const recordLines: number[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    // One record.
    const startLine = line;
    const cells: string[] = [];
    let blank = true;
    for (;;) {
      // One cell.
      let cell = '';
      if (src[i] === '"') {
        blank = false;
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) {
            throw new DatasetFormatError({
              file,
              line: quoteLine,
              row: records.length,
              column: String(cells.length + 1),
              expected: 'a closing quote (")',
              found: 'the end of the file',
            });
          }
          const ch = src[i]!;
          if (ch === '"') {
            if (src[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
        if (i < n && src[i] !== delimiter && src[i] !== '\n' && src[i] !== '\r') {
          throw new DatasetFormatError({
            file,
            line,
            row: records.length,
            column: String(cells.length + 1),
            expected: 'a delimiter or the end of the line after a closing quote',
            found: JSON.stringify(src[i]),
          });
        }
      } else {
        const start = i;
        while (i < n && src[i] !== delimiter && src[i] !== '\n' && src[i] !== '\r') i++;
        cell = src.slice(start, i);
        if (cell.length > 0) blank = false;
      }
      cells.push(cell);
      if (i < n && src[i] === delimiter) {
        blank = false;
        i++;
        continue;
      }
      break;
    }
    // End of line (CRLF, LF or lone CR) or of the file.
    if (src[i] === '\r') i++;
    if (src[i] === '\n') i++;
    line++;
    if (blank) continue;
    records.push(cells);
    recordLines.push(startLine);
  }

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
  const lines = new Int32Array(rowCount);
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
    lines[r] = recordLines[r + 1]!;
  }
  return { file, columns: names, values, rowCount, lines };
}
