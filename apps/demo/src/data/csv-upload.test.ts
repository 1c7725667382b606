import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetFormatError, parseCsv } from '@deltaclip/datasets';
import { describe, expect, it } from 'vitest';
import {
  CsvChoiceError,
  CsvNotTextError,
  checkCsv,
  csvErrorMessage,
  notTextReason,
  planCsv,
  prepareCsv,
  prepareTable,
  readCsvUpload,
  TEXT_SNIFF_BYTES,
} from './csv-upload.js';

const options = { test: 0.25, seed: 3 };

function csvOf(rows: readonly (readonly (string | number)[])[]): string {
  return `${rows.map((r) => r.join(',')).join('\n')}\n`;
}

describe('CSV upload', () => {
  it('turns a ragged row into a message with its row and line, for the page', () => {
    const check = checkCsv({ file: 'ragged.csv', text: 'a,b,label\n1,2,x\n3,4\n5,6,y\n' }, options);
    expect(check).toEqual({
      ok: false,
      message:
        'Could not use “ragged.csv”: ragged.csv at row 2, line 3: expected 3 cells (one per header column), found 2 cell(s). Quote cells that contain commas. The previous data set is kept.',
    });
  });

  it('names the cell when a numeric column holds text', () => {
    const text = csvOf([
      ['x1', 'x2', 'y'],
      [1, 2, 0],
      [2, 'abc', 1],
      [3, 4, 0],
      [5, 1, 1],
    ]);
    const check = checkCsv({ file: 'text.csv', text }, options);
    expect(check).toEqual({
      ok: false,
      message: `Could not use “text.csv”: text.csv at row 2, line 3, column 'x2': expected a number (column 'x2' is a numeric feature), found "abc". Mark missing cells as empty or NA, or list 'x2' as categorical. The previous data set is kept.`,
    });
  });

  it('says when the file is empty or has no data rows', () => {
    expect(checkCsv({ file: 'empty.csv', text: '' }, options)).toEqual({
      ok: false,
      message:
        'Could not use “empty.csv”: empty.csv at line 1: expected a header line with column names, found an empty file. The previous data set is kept.',
    });
    expect(checkCsv({ file: 'header.csv', text: 'a,b\n' }, options)).toEqual({
      ok: false,
      message:
        'Could not use “header.csv”: header.csv at line 2: expected at least one data row after the header, found only the header. The previous data set is kept.',
    });
  });

  it('refuses a single column and a target the file does not have', () => {
    expect(() => prepareCsv({ file: 'one.csv', text: 'a\n1\n2\n' }, options)).toThrow(
      new CsvChoiceError(
        'one.csv has 1 column; a data set needs at least one feature column and a target column',
      ),
    );
    expect(() =>
      prepareCsv({ file: 'two.csv', text: 'a,b\n1,2\n' }, { ...options, target: 'c' }),
    ).toThrow("two.csv has no column 'c'; choose the target among 'a', 'b'");
  });

  it('refuses a text column with too many categories for one-hot encoding', () => {
    const rows: (string | number)[][] = [['name', 'x', 'y']];
    for (let i = 0; i < 30; i++) rows.push([`id${i}`, i, i % 2]);
    expect(checkCsv({ file: 'ids.csv', text: csvOf(rows) }, options)).toEqual({
      ok: false,
      message:
        "Could not use “ids.csv”: column 'name' of ids.csv holds 30 distinct text values, too many to one-hot encode (at most 20); drop it (tick 'name' under Drop columns) or make it numeric. The previous data set is kept.",
    });
    const dropped = prepareCsv(
      { file: 'ids.csv', text: csvOf(rows) },
      { ...options, drop: ['name'] },
    );
    expect(dropped.plan).toEqual({
      target: 'y',
      task: 'classification',
      numeric: ['x'],
      categorical: [],
    });
    // The page still lists every column of the file, so a dropped one can be ticked back.
    expect(dropped.columns).toEqual(['name', 'x', 'y']);
    expect(() =>
      prepareCsv({ file: 'ids.csv', text: csvOf(rows) }, { ...options, drop: ['nom'] }),
    ).toThrow("ids.csv has no column 'nom' to drop");
  });

  it('reads few integer targets as classes, other numbers as regression, text as classes', () => {
    const t = (text: string, target = '') => planCsv(parseCsv(text, { file: 't.csv' }), target);
    expect(t('a,b,y\n1,u,0\n2,v,1\n3,u,2\n')).toEqual({
      target: 'y',
      task: 'classification',
      numeric: ['a'],
      categorical: ['b'],
    });
    expect(t('a,y\n1,0.5\n2,1.5\n3,2\n').task).toBe('regression');
    expect(t('a,y\n1,cat\n2,dog\n').task).toBe('classification');
    const many = ['a,y', ...Array.from({ length: 12 }, (_, i) => `${i},${i}`)].join('\n');
    expect(t(many).task).toBe('regression');
    expect(t('y,a\n1,0.5\n2,1.5\n', 'a')).toMatchObject({ target: 'a', numeric: ['y'] });
  });

  it('prepares a usable CSV: standardized features, seeded split, rows with missing cells dropped', () => {
    const rows: (string | number)[][] = [['x1', 'x2', 'kind']];
    for (let i = 0; i < 40; i++)
      rows.push([i, i % 7 === 0 ? 'NA' : 2 * i + 1, i < 20 ? 'low' : 'high']);
    const input = { file: 'ok.csv', text: csvOf(rows) };
    const a = prepareCsv(input, options);
    expect(a.task).toBe('classification');
    expect(a.columns).toEqual(['x1', 'x2', 'kind']);
    expect(a.splits.metadata.numSamples).toBe(34); // 6 rows had x2 = NA
    expect(a.splits.train.size + a.splits.test.size).toBe(34);
    expect(a.splits.test.size).toBe(Math.round(34 * 0.25));
    expect(a.splits.metadata.classes).toEqual(['high', 'low']);
    // The same seed gives the same split.
    const b = prepareCsv(input, options);
    expect(Array.from(b.splits.train.rowIndices())).toEqual(
      Array.from(a.splits.train.rowIndices()),
    );
    const { x } = a.splits.train.toArrays();
    let mean = 0;
    for (let i = 0; i < x.length; i += 2) mean += x[i]!;
    expect(Math.abs(mean / (x.length / 2))).toBeLessThan(1e-6);
  });

  it('words an unexpected error as such', () => {
    expect(csvErrorMessage('f.csv', new TypeError('boom'))).toBe(
      'Could not use “f.csv”: unexpected error: boom. The previous data set is kept.',
    );
    expect(
      csvErrorMessage(
        'f.csv',
        new DatasetFormatError({ file: 'f.csv', row: 1, expected: 'x', found: 'y' }),
      ),
    ).toBe(
      'Could not use “f.csv”: f.csv at row 1: expected x, found y. The previous data set is kept.',
    );
  });
});

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)),
  );

/** vega-datasets' cars (the JSON the npm package ships) written out as a CSV, Name column first. */
function carsCsv(): string {
  const require = createRequire(import.meta.url);
  // vega-datasets is @deltaclip/datasets' dependency; its exports map hides the data folder.
  const datasets = dirname(require.resolve('@deltaclip/datasets/package.json'));
  const cars = JSON.parse(
    readFileSync(join(datasets, 'node_modules/vega-datasets/data/cars.json'), 'utf8'),
  ) as Record<string, string | number | null>[];
  const columns = Object.keys(cars[0]!);
  const quote = (v: string | number | null) =>
    v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
  return [
    columns.join(','),
    ...cars.map((c) => columns.map((k) => quote(c[k] ?? null)).join(',')),
  ].join('\n');
}

describe('an upload read as the worker reads it', () => {
  it('a binary file is not a text file: a NUL byte or bytes that are not UTF-8 in the first KB', () => {
    // A PNG: its signature's 0x89 is not UTF-8, and its first chunk length starts with NUL at byte 8.
    const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(notTextReason(png)).toBe('a NUL byte at byte 8');
    expect(notTextReason(bytes('caf', [0xe9], ',1\n'))).toBe(
      'bytes that are not UTF-8 text in its first 7 bytes',
    );
    expect(notTextReason(bytes('a,b\n1,2\n'))).toBeNull();
    // A two-byte character cut by the end of the first KB is text.
    const cut = bytes('a'.repeat(TEXT_SNIFF_BYTES - 1), [0xc3]);
    expect(notTextReason(cut)).toBeNull();
  });

  it('says "not a text file" for a binary upload, in the page\'s sentence', async () => {
    const png = new Blob([
      bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72]),
    ]);
    const error = await readCsvUpload(png, 'photo.png').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvNotTextError);
    expect(csvErrorMessage('photo.png', error)).toBe(
      'Could not use “photo.png”: photo.png is not a text file (a NUL byte at byte 8): upload a CSV or TSV file saved as UTF-8 text. The previous data set is kept.',
    );
  });

  it('refuses bad UTF-8 after the first KB with its byte offset, never replacement characters', async () => {
    const head = `x,y\n${'1,2\n'.repeat(500)}`; // 2004 bytes
    const blob = new Blob([bytes(head, [0xff], ',3\n')]);
    await expect(readCsvUpload(blob, 'late.csv')).rejects.toThrow(
      /late\.csv at byte offset 2004: expected UTF-8 text/,
    );
  });

  it('reports its progress: reading and parsing, then the rows and columns found', async () => {
    const seen: string[] = [];
    const text = `a,b,c\n${'1,2,x\n'.repeat(1000)}`;
    const table = await readCsvUpload(new Blob([text]), 'p.csv', (p) =>
      seen.push(`${p.fraction} ${p.text}`),
    );
    expect(table.rowCount).toBe(1000);
    expect(seen).toEqual([
      `0.1 Reading and parsing p.csv (${Number((text.length / 1e6).toPrecision(3))} MB)…`,
      '0.5 Parsed 1,000 rows × 3 columns of p.csv; checking the columns…',
    ]);
  });

  it("vega's cars as a CSV: refused for its Name column with the way out, loaded once Name is dropped", async () => {
    const text = carsCsv();
    const table = await readCsvUpload(new Blob([text]), 'cars.csv');
    expect(table.columns[0]).toBe('Name');
    const check = checkCsv({ file: 'cars.csv', text }, options);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(
      /^Could not use “cars\.csv”: column 'Name' of cars\.csv holds \d+ distinct text values, too many to one-hot encode \(at most 20\); drop it \(tick 'Name' under Drop columns\)/,
    );
    const prepared = prepareTable(table, { ...options, drop: ['Name'] });
    expect(prepared.plan.target).toBe('Origin');
    expect(prepared.task).toBe('classification');
    expect(prepared.plan.categorical).toEqual(['Year']);
    expect(prepared.splits.metadata.classes).toEqual(['Europe', 'Japan', 'USA']);
  });
});
