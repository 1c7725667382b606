import { describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../errors.js';
import { parseCsv } from './csv.js';
import { readTable } from './read-table.js';
import { summarizeTable, tableFromJson } from './table.js';

function formatError(f: () => unknown): DatasetFormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof DatasetFormatError) return e;
    throw e;
  }
  throw new Error('expected a DatasetFormatError');
}

describe('parseCsv', () => {
  it('reads quoted cells, doubled quotes, CRLF, cells spanning lines and a BOM', () => {
    const text = '\ufeffname,note,value\r\n"Smith, J.","said ""hi""",1.5\r\n"two\nlines",,2\r\n';
    const t = parseCsv(text, { file: 'people.csv' });
    expect(t.columns).toEqual(['name', 'note', 'value']);
    expect(t.rowCount).toBe(2);
    expect(t.values.name).toEqual(['Smith, J.', 'two\nlines']);
    expect(t.values.note).toEqual(['said "hi"', '']);
    expect(t.values.value).toEqual(['1.5', '2']);
    expect(Array.from(t.lines!)).toEqual([2, 3]);
  });

  it('detects TSV from the header, skips blank lines, accepts no final newline', () => {
    const t = parseCsv('a\tb\n1\t2\n\n3\t4');
    expect(t.values.a).toEqual(['1', '3']);
    expect(t.values.b).toEqual(['2', '4']);
    expect(Array.from(t.lines!)).toEqual([2, 4]);
  });

  it('bad input: an empty file', () => {
    const e = formatError(() => parseCsv('  \n', { file: 'upload.csv' }));
    expect(e.message).toBe(
      'upload.csv at line 1: expected a header line with column names, found an empty file.',
    );
  });

  it('bad input: a header without data rows', () => {
    expect(formatError(() => parseCsv('a,b\n')).found).toBe('only the header');
  });

  it('bad input: a ragged row names its row and line', () => {
    const e = formatError(() => parseCsv('a,b,c\n1,2,3\n\n4,5\n', { file: 'r.csv' }));
    expect(e.message).toBe(
      'r.csv at row 2, line 4: expected 3 cells (one per header column), found 2 cell(s). Quote cells that contain commas.',
    );
    expect(e.row).toBe(2);
    expect(e.line).toBe(4);
  });

  it('bad input: an unterminated quote names the line where it opened', () => {
    const e = formatError(() => parseCsv('a,b\n1,"open\n2,3\n'));
    expect(e.line).toBe(2);
    expect(e.column).toBe('2');
    expect(e.found).toBe('the end of the file');
  });

  it('bad input: text after a closing quote, duplicate and empty column names', () => {
    expect(formatError(() => parseCsv('a,b\n"x"y,1\n')).found).toBe('"y"');
    expect(formatError(() => parseCsv('a,a\n1,2\n')).found).toBe("a second column named 'a'");
    expect(formatError(() => parseCsv('a,,c\n1,2,3\n')).column).toBe('2');
  });
});

describe('tableFromJson', () => {
  it('reads an array of row objects; absent keys are missing cells', () => {
    const t = tableFromJson('[{"a":1,"b":"x"},{"a":null},{"b":"y","c":true}]', 'rows.json');
    expect(t.columns).toEqual(['a', 'b', 'c']);
    expect(t.values.a).toEqual([1, null, null]);
    expect(t.values.b).toEqual(['x', null, 'y']);
    expect(t.values.c).toEqual([null, null, true]);
  });

  it('bad input: not an array, a non-object row, a nested value, invalid JSON', () => {
    expect(formatError(() => tableFromJson('{"a":1}')).expected).toBe(
      'a JSON array of row objects',
    );
    expect(formatError(() => tableFromJson('[{"a":1}, 3]')).row).toBe(2);
    const nested = formatError(() => tableFromJson('[{"a":{"b":1}}]', 'n.json'));
    expect(nested.message).toBe(
      'n.json at row 1, column \'a\': expected a number, string, boolean or null, found {"b":1}.',
    );
    expect(formatError(() => tableFromJson('[{"a":1},')).expected).toBe('JSON text');
    expect(formatError(() => tableFromJson('[]')).found).toBe('an empty array');
  });
});

describe('summarizeTable', () => {
  it('classifies columns and computes statistics of present cells', () => {
    const t = parseCsv('x,kind,empty\n1,a,\n2,b,NA\nNA,a,\n4.5,a,?\n');
    const [x, kind, empty] = summarizeTable(t);
    expect(x).toMatchObject({ kind: 'numeric', count: 3, missing: 1, unique: 3, min: 1, max: 4.5 });
    const values = [1, 2, 4.5];
    const mean = values.reduce((a, b) => a + b) / 3;
    expect(x!.mean).toBeCloseTo(mean, 12);
    expect(x!.std).toBeCloseTo(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 3), 12);
    expect(kind).toMatchObject({
      kind: 'categorical',
      count: 4,
      unique: 2,
      categories: [
        { value: 'a', count: 3 },
        { value: 'b', count: 1 },
      ],
    });
    expect(empty).toMatchObject({ kind: 'empty', missing: 4 });
  });
});

describe('readTable', () => {
  it('reads an uploaded File by its extension and names it in errors', async () => {
    const csv = new File(['a,b\n1,2\n'], 'upload.csv');
    expect((await readTable(csv)).values).toEqual({ a: ['1'], b: ['2'] });
    const json = new File(['[{"a":1}]'], 'rows.json');
    expect((await readTable(json)).values).toEqual({ a: [1] });
    const tsv = await readTable('a\tb\n1\t2\n', { format: 'tsv' });
    expect(tsv.values.b).toEqual(['2']);
    const bad = await readTable(new File(['a,b\n1,2\n3,4,5\n'], 'bad.csv')).catch((e) => e);
    expect(bad).toBeInstanceOf(DatasetFormatError);
    expect(bad.message).toBe(
      'bad.csv at row 2, line 3: expected 2 cells (one per header column), found 3 cell(s). Quote cells that contain commas.',
    );
    const empty = await readTable(new File([''], 'empty.csv')).catch((e) => e);
    expect(empty.message).toBe(
      'empty.csv at line 1: expected a header line with column names, found an empty file.',
    );
  });
});
