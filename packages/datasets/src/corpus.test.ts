/**
 * The malformed-input corpus: generated broken files of every supported format. Each one must end
 * in a typed error whose message names the problem, or in the documented policy for that input,
 * and none may take a second (the parsers are linear and never allocate what a header claims
 * before checking it against the file size).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DeltaclipError } from '@deltaclip/utils';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DatasetFormatError,
  DatasetNotFoundError,
  DatasetTooLargeError,
  UnknownColumnError,
} from './errors.js';
import { encodeCifar, parseCifar, readCifar } from './formats/cifar.js';
import { encodeIdx, parseIdx, readIdx } from './formats/idx.js';
import { loadDataPath } from './node/data-path.js';
import { readCifarFile, readIdxFile, readTableFile } from './node/files.js';
import { parseCsv } from './tabular/csv.js';
import { tableFromJson } from './tabular/table.js';

const dir = mkdtempSync(join(tmpdir(), 'deltaclip-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
/** Write a generated file and return its path. */
function file(name: string, content: Uint8Array | string): string {
  const path = join(dir, `${fileCount++}-${name}`);
  writeFileSync(path, content);
  return path;
}

const bytes = (...b: number[]) => Uint8Array.from(b);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** An IDX header 00 00 08 NN with the given dimension sizes (big-endian), no data. */
const idxHeader = (dims: number[], type = 0x08) => {
  const out = new Uint8Array(4 + 4 * dims.length);
  out[2] = type;
  out[3] = dims.length;
  const v = new DataView(out.buffer);
  dims.forEach((d, i) => {
    v.setUint32(4 + 4 * i, d, false);
  });
  return out;
};
/** Deterministic noise with NUL bytes in it. */
const garbage = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24);
const MiB = 2 ** 20;
const zeros = (n: number) => new Uint8Array(n);
const csvRows = (header: string, row: (i: number) => string, n = 12) =>
  `${header}\n${Array.from({ length: n }, (_, i) => row(i)).join('\n')}\n`;

type ErrorClass = { is(value: unknown): boolean; name: string };
interface Case {
  readonly name: string;
  readonly run: () => unknown;
  /** A typed error: its class and a part of its message. */
  readonly error?: readonly [ErrorClass, string];
  /** Or the documented policy, asserted on the result. */
  readonly policy?: (result: never) => void;
}

const cases: Case[] = [
  // --- IDX ---
  {
    name: 'idx: empty file',
    run: () => parseIdx(zeros(0)),
    error: [DatasetFormatError, 'found an empty file'],
  },
  {
    name: 'idx: 3 bytes',
    run: () => parseIdx(bytes(0, 0, 8)),
    error: [DatasetFormatError, 'found only 3 byte(s)'],
  },
  {
    name: 'idx: wrong magic',
    run: () => parseIdx(bytes(0x12, 0x34, 0x56, 0x78)),
    error: [DatasetFormatError, 'found 0x12345678. This is not an IDX file.'],
  },
  {
    name: 'idx: unknown type code',
    run: () => parseIdx(bytes(0, 0, 0x07, 1, 0, 0, 0, 1, 5)),
    error: [DatasetFormatError, 'expected an IDX type code'],
  },
  {
    name: 'idx: zero dimensions in the magic',
    run: () => parseIdx(bytes(0, 0, 8, 0)),
    error: [DatasetFormatError, 'expected at least one dimension'],
  },
  {
    name: 'idx: truncated header',
    run: () => parseIdx(bytes(0, 0, 8, 3, 0, 0, 0, 5)),
    error: [DatasetFormatError, 'expected a 16-byte header'],
  },
  {
    name: 'idx: zero first dimension',
    run: () => parseIdx(idxHeader([0, 28, 28])),
    error: [
      DatasetFormatError,
      'byte offset 4: expected a size >= 1 for dimension 1 of 3, found 0 (an empty dimension)',
    ],
  },
  {
    name: 'idx: zero middle dimension',
    run: () => parseIdx(cat(idxHeader([5, 0, 28]), zeros(10))),
    error: [DatasetFormatError, 'byte offset 8: expected a size >= 1 for dimension 2 of 3'],
  },
  {
    name: 'idx: truncated data',
    run: () => parseIdx(cat(idxHeader([10, 28, 28]), zeros(7000))),
    error: [DatasetFormatError, 'found 7000 data bytes (the file is truncated)'],
  },
  {
    name: 'idx: header and size disagree (extra bytes)',
    run: () => parseIdx(cat(idxHeader([2, 2]), zeros(9))),
    error: [DatasetFormatError, 'found 5 extra byte(s) after the data'],
  },
  {
    name: 'idx: huge dimension claims',
    run: () => parseIdx(cat(idxHeader([0xffffffff, 0xffffffff, 0xffffffff]), zeros(64))),
    error: [DatasetFormatError, '(the file is truncated)'],
  },
  {
    name: 'idx: int32 data cut mid-element',
    run: () => parseIdx(cat(idxHeader([3], 0x0c), zeros(11))),
    error: [DatasetFormatError, 'found 11 data bytes'],
  },
  {
    name: 'idx: type differs from the expected one',
    run: () => parseIdx(encodeIdx('float32', [2], [1, 2]), { dtype: 'uint8', ndims: 1 }),
    error: [DatasetFormatError, 'found 0x00000d01 (float32, 1 dimension(s))'],
  },
  {
    name: 'idx: labels file where images are expected',
    run: () => parseIdx(encodeIdx('uint8', [4], [1, 2, 3, 4]), { ndims: 3 }),
    error: [DatasetFormatError, '(uint8, 1 dimension(s))'],
  },
  {
    name: 'idx: gzip given to the raw parser',
    run: () => parseIdx(gzipSync(encodeIdx('uint8', [1], [1]))),
    error: [DatasetFormatError, 'The file is gzip-compressed: use readIdx'],
  },
  {
    name: 'idx: binary garbage',
    run: () => parseIdx(garbage(5000)),
    error: [DatasetFormatError, 'This is not an IDX file.'],
  },
  // --- gzip (Node zlib and DecompressionStream) ---
  {
    name: 'gzip: truncated stream (file)',
    run: () =>
      readIdxFile(
        file('t.idx.gz', gzipSync(encodeIdx('uint8', [100], zeros(100))).subarray(0, 20)),
      ),
    error: [DatasetFormatError, 'expected a complete gzip stream'],
  },
  {
    name: 'gzip: corrupt body after the magic (file)',
    run: () =>
      readIdxFile(file('c.idx.gz', cat(bytes(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3), garbage(200)))),
    error: [DatasetFormatError, 'one that is truncated or corrupt'],
  },
  {
    name: 'gzip: bomb over a 1 MiB cap (file)',
    run: () => readIdxFile(file('bomb.idx.gz', gzipSync(zeros(8 * MiB))), { maxBytes: MiB }),
    error: [
      DatasetTooLargeError,
      `decompresses to more than ${MiB} bytes (1 MiB), the cap on decompressed size. If the file is genuine, pass a larger maxBytes option`,
    ],
  },
  {
    name: 'gzip: raw file over the cap',
    run: () => readIdxFile(file('big.idx', zeros(2 * MiB)), { maxBytes: MiB }),
    error: [DatasetTooLargeError, 'holds more than 1048576 bytes (1 MiB), the cap on file size'],
  },
  {
    name: 'gzip: bomb over the cap (DecompressionStream)',
    run: () => readIdx(gzipSync(zeros(8 * MiB)), { file: 'b.gz', maxBytes: MiB }),
    error: [DatasetTooLargeError, 'b.gz: decompresses to more than 1048576 bytes'],
  },
  {
    name: 'gzip: truncated stream (DecompressionStream)',
    run: () =>
      readIdx(gzipSync(encodeIdx('uint8', [50], zeros(50))).subarray(0, 15), { file: 'cut.gz' }),
    error: [DatasetFormatError, 'cut.gz: expected a complete gzip stream'],
  },
  {
    name: 'gzip: a Blob over the cap is refused before reading',
    run: () => readIdx(new Blob([zeros(2 * MiB)]), { maxBytes: MiB }),
    error: [DatasetTooLargeError, 'the cap on file size'],
  },
  {
    name: 'gzip: valid IDX under a cap that fits (policy: read)',
    run: () =>
      readIdxFile(file('ok.idx.gz', gzipSync(encodeIdx('uint8', [3, 2], [1, 2, 3, 4, 5, 6]))), {
        maxBytes: 1024,
      }),
    policy: (r: { shape: number[] }) => expect(r.shape).toEqual([3, 2]),
  },
  {
    name: 'gzip: maxBytes 0 is a bad option',
    run: () => readIdxFile(file('z.idx', zeros(10)), { maxBytes: 0 }),
    error: [RangeError as unknown as ErrorClass, 'maxBytes must be an integer >= 1 (got 0)'],
  },
  // --- CIFAR ---
  {
    name: 'cifar: empty file',
    run: () => parseCifar(zeros(0), 'cifar-10'),
    error: [DatasetFormatError, 'found an empty file'],
  },
  {
    name: 'cifar: truncated record',
    run: () => parseCifar(zeros(3073 + 100), 'cifar-10'),
    error: [
      DatasetFormatError,
      '1 whole record(s) and 100 byte(s) of record 2. The file is truncated',
    ],
  },
  {
    name: 'cifar: CIFAR-100 file read as CIFAR-10',
    run: () => parseCifar(zeros(3074 * 2), 'cifar-10'),
    error: [DatasetFormatError, 'The size fits CIFAR-100 records'],
  },
  {
    name: 'cifar: label 10',
    run: () => parseCifar(cat(bytes(10), zeros(3072)), 'cifar-10'),
    error: [DatasetFormatError, 'expected a label 0..9 (record 1), found 10'],
  },
  {
    name: 'cifar-100: coarse label 20',
    run: () => parseCifar(cat(bytes(20, 5), zeros(3072)), 'cifar-100'),
    error: [DatasetFormatError, 'expected a coarse label 0..19 (record 1), found 20'],
  },
  {
    name: 'cifar-100: fine label 100',
    run: () => parseCifar(cat(bytes(1, 100), zeros(3072)), 'cifar-100'),
    error: [DatasetFormatError, 'expected a fine label 0..99 (record 1), found 100'],
  },
  {
    name: 'cifar: record count differs from the official one',
    run: () =>
      readCifarFile(
        file('data_batch_1.bin', encodeCifar('cifar-10', zeros(3072 * 2), [1, 2])),
        'cifar-10',
        { expectedRecords: 10_000 },
      ),
    error: [DatasetFormatError, 'expected 10000 records'],
  },
  {
    name: 'cifar: gzip given to the raw parser',
    run: () => parseCifar(gzipSync(zeros(3073)), 'cifar-10'),
    error: [DatasetFormatError, 'The file is gzip-compressed: use readCifar'],
  },
  {
    name: 'cifar: gzip bomb over the cap',
    run: () => readCifar(gzipSync(zeros(4 * MiB)), 'cifar-10', { maxBytes: MiB }),
    error: [DatasetTooLargeError, 'decompresses to more than'],
  },
  {
    name: 'cifar: binary garbage',
    run: () => parseCifar(garbage(5000), 'cifar-10'),
    error: [DatasetFormatError, 'The file is truncated'],
  },
  // --- CSV ---
  {
    name: 'csv: empty file',
    run: () => parseCsv('', { file: 'e.csv' }),
    error: [
      DatasetFormatError,
      'e.csv at line 1: expected a header line with column names, found an empty file.',
    ],
  },
  {
    name: 'csv: only blank lines',
    run: () => parseCsv('\n \r\n\n'),
    error: [DatasetFormatError, 'found an empty file'],
  },
  {
    name: 'csv: header only',
    run: () => parseCsv('a,b,c\n'),
    error: [DatasetFormatError, 'found only the header'],
  },
  {
    name: 'csv: ragged row, too few cells',
    run: () => parseCsv('a,b,c\n1,2,3\n4,5\n'),
    error: [
      DatasetFormatError,
      'at row 2, line 3: expected 3 cells (one per header column), found 2 cell(s)',
    ],
  },
  {
    name: 'csv: ragged row, too many cells',
    run: () => parseCsv('a,b\n1,2\n3,4,5\n'),
    error: [DatasetFormatError, 'found 3 cell(s). Quote cells that contain commas.'],
  },
  {
    name: 'csv: unterminated quote',
    run: () => parseCsv('a,b\n1,2\n3,"four\n5,6\n'),
    error: [
      DatasetFormatError,
      "at row 2, line 3, column '2': expected a closing quote (\"), found the end of the file.",
    ],
  },
  {
    name: 'csv: text after a closing quote',
    run: () => parseCsv('a,b\n"x"y,1\n'),
    error: [
      DatasetFormatError,
      'expected a delimiter or the end of the line after a closing quote, found "y"',
    ],
  },
  {
    name: 'csv: duplicate column names',
    run: () => parseCsv('a,b,a\n1,2,3\n'),
    error: [DatasetFormatError, "found a second column named 'a'"],
  },
  {
    name: 'csv: empty column name',
    run: () => parseCsv('a,,c\n1,2,3\n'),
    error: [
      DatasetFormatError,
      "column '2': expected a unique, non-empty column name in the header, found an empty name",
    ],
  },
  {
    name: 'csv: BOM (policy: dropped)',
    run: () => parseCsv('\ufeffa,b\n1,2\n'),
    policy: (t: { columns: string[] }) => expect(t.columns).toEqual(['a', 'b']),
  },
  {
    name: 'csv: CRLF and a quoted line break (policy: read, lines counted)',
    run: () => parseCsv('a,b\r\n"x\r\ny",1\r\n2,3\r\n4,5'),
    policy: (t: { rowCount: number; lines: Int32Array; values: Record<string, string[]> }) => {
      expect(t.values.a).toEqual(['x\r\ny', '2', '4']);
      expect(Array.from(t.lines)).toEqual([2, 4, 5]);
    },
  },
  {
    name: 'csv: NaN cells are missing (policy: missing: error names them)',
    run: () =>
      loadDataPath(
        file(
          'nan.csv',
          csvRows('x,y', (i) => `${i === 3 ? 'NaN' : i},${i}`),
        ),
        { missing: 'error' },
      ),
    error: [
      DatasetFormatError,
      "row 4, line 5, column 'x': expected no missing cells (missing: 'error'), found 1 row(s) with missing cells (x: rows 4)",
    ],
  },
  {
    name: 'csv: NaN cells are missing (policy: dropped by default, reported)',
    run: () =>
      loadDataPath(
        file(
          'nan2.csv',
          csvRows('x,y', (i) => `${i === 3 ? 'NaN' : i},${i}`),
        ),
      ),
    policy: (d: { description: { rows: number; notes: string[] } }) => {
      expect(d.description.rows).toBe(11);
      expect(d.description.notes).toContain('dropped 1 of 12 rows with missing values (x: 1)');
    },
  },
  {
    name: 'csv: 1e39 beyond float32',
    run: () =>
      loadDataPath(
        file(
          'f1.csv',
          csvRows('x,y', (i) => `${i === 5 ? '1e39' : i},${i}`),
        ),
      ),
    error: [
      DatasetFormatError,
      'row 6, line 7, column \'x\': expected a number within the float32 range (|x| <= 3.4028235e+38), which tensors store, found "1e39"',
    ],
  },
  {
    name: 'csv: 1e308 beyond float32',
    run: () =>
      loadDataPath(
        file(
          'f2.csv',
          csvRows('x,y', (i) => `${i},${i === 2 ? '1e308' : i}`),
        ),
      ),
    error: [DatasetFormatError, "column 'y': expected a number within the float32 range"],
  },
  {
    name: 'csv: "1e400" (Infinity in float64)',
    run: () =>
      loadDataPath(
        file(
          'f3.csv',
          csvRows('x,y', (i) => `${i === 0 ? '"1e400"' : i},${i}`),
        ),
      ),
    error: [DatasetFormatError, 'found "1e400"'],
  },
  {
    name: 'csv: -1e39 beyond float32',
    run: () =>
      loadDataPath(
        file(
          'f4.csv',
          csvRows('x,y', (i) => `${i === 1 ? '-1e39' : i},${i}`),
        ),
      ),
    error: [DatasetFormatError, 'found "-1e39"'],
  },
  {
    name: 'csv: a 200,000-digit number',
    run: () =>
      loadDataPath(
        file(
          'digits.csv',
          csvRows('x,y', (i) => `${i === 1 ? '9'.repeat(200_000) : i},${i}`),
        ),
      ),
    error: [
      DatasetFormatError,
      "row 2, line 3, column 'x': expected a number within the float32 range",
    ],
  },
  {
    name: 'csv: a 200,000-digit non-number (policy: categorical)',
    run: () => parseCsv(`x,y\n${'1'.repeat(200_000)}z,1\n2,3\n`),
    policy: (t: { rowCount: number }) => expect(t.rowCount).toBe(2),
  },
  {
    name: 'csv: binary garbage',
    run: () => readTableFile(file('garbage.csv', garbage(4096))),
    error: [DatasetFormatError, 'expected a text file (CSV, TSV or JSON), found a NUL byte'],
  },
  {
    name: 'csv: control characters without NUL',
    run: () =>
      readTableFile(
        file(
          'ctl.csv',
          Uint8Array.from({ length: 1000 }, (_, i) => 1 + (i % 8)),
        ),
      ),
    error: [DatasetFormatError, 'control characters in the first 1000'],
  },
  {
    name: 'csv: UTF-16 file',
    run: () => readTableFile(file('u16.csv', new Uint8Array(Buffer.from('a,b\n1,2\n', 'utf16le')))),
    error: [DatasetFormatError, 'found a NUL byte'],
  },
  {
    name: 'csv: invalid UTF-8 byte 0xff',
    run: () =>
      readTableFile(
        file(
          'ff.csv',
          cat(new TextEncoder().encode('a,b\n1,'), bytes(0xff), new TextEncoder().encode('\n')),
        ),
      ),
    error: [
      DatasetFormatError,
      'at byte offset 6: expected UTF-8 text, found an invalid UTF-8 sequence (bytes ff 0a)',
    ],
  },
  {
    name: 'csv: overlong UTF-8 (c0 80)',
    run: () =>
      readTableFile(
        file(
          'ol.csv',
          cat(
            new TextEncoder().encode('a,b\nx'),
            bytes(0xc0, 0x80),
            new TextEncoder().encode(',1\n'),
          ),
        ),
      ),
    error: [DatasetFormatError, 'byte offset 5: expected UTF-8 text'],
  },
  {
    name: 'csv: UTF-8 cut mid-character at the end',
    run: () =>
      readTableFile(file('cut.csv', cat(new TextEncoder().encode('a,b\n1,'), bytes(0xe2, 0x82)))),
    error: [
      DatasetFormatError,
      'byte offset 6: expected UTF-8 text, found an invalid UTF-8 sequence (bytes e2 82)',
    ],
  },
  {
    name: 'csv: latin-1 text',
    run: () =>
      readTableFile(
        file('latin1.csv', new Uint8Array(Buffer.from('name,v\nJos\u00e9,1\n', 'latin1'))),
      ),
    error: [DatasetFormatError, 'byte offset 10: expected UTF-8 text'],
  },
  {
    name: 'csv: gzip bomb over the cap',
    run: () =>
      readTableFile(file('bomb.csv.gz', gzipSync(new TextEncoder().encode('a,b\n'.repeat(MiB)))), {
        maxBytes: MiB,
      }),
    error: [DatasetTooLargeError, 'bomb.csv.gz: decompresses to more than 1048576 bytes'],
  },
  {
    name: 'csv: gzip-compressed CSV (policy: read)',
    run: () => readTableFile(file('ok.csv.gz', gzipSync(new TextEncoder().encode('a,b\n1,2\n')))),
    policy: (t: { rowCount: number }) => expect(t.rowCount).toBe(1),
  },
  {
    name: 'csv: text in a numeric column',
    run: () =>
      loadDataPath(file('txt.csv', csvRows('x,y', (i) => `${i},${i}`) + 'x1,oops\n'), {
        target: 'x',
        task: 'regression',
      }),
    error: [DatasetFormatError, 'found "x1"'],
  },
  {
    name: 'csv: one class only',
    run: () =>
      loadDataPath(
        file(
          'one.csv',
          csvRows('x,y', (i) => `${i},same`),
        ),
      ),
    error: [DatasetFormatError, 'expected at least 2 classes in the target column, found 1 (same)'],
  },
  {
    name: 'csv: every target missing',
    run: () =>
      loadDataPath(
        file(
          'nota.csv',
          csvRows('x,y', (i) => `${i},NA`),
        ),
      ),
    error: [
      DatasetFormatError,
      'expected at least 2 rows after removing rows with missing values, found 0',
    ],
  },
  {
    name: 'csv: unknown target column',
    run: () =>
      loadDataPath(
        file(
          'u.csv',
          csvRows('x,y', (i) => `${i},${i}`),
        ),
        { target: 'z' },
      ),
    error: [UnknownColumnError, "target column 'z' is not in"],
  },
  // --- TSV ---
  {
    name: 'tsv: ragged row',
    run: () => readTableFile(file('r.tsv', 'a\tb\n1\t2\n3\n')),
    error: [DatasetFormatError, 'found 1 cell(s)'],
  },
  {
    name: 'tsv: unterminated quote',
    run: () => readTableFile(file('q.tsv', 'a\tb\n"1\t2\n')),
    error: [DatasetFormatError, 'expected a closing quote'],
  },
  {
    name: 'tsv: 1e39 beyond float32',
    run: () =>
      loadDataPath(
        file(
          'f.tsv',
          csvRows('x\ty', (i) => `${i}\t${i === 4 ? '1e39' : i}`),
        ),
      ),
    error: [
      DatasetFormatError,
      "row 5, line 6, column 'y': expected a number within the float32 range",
    ],
  },
  {
    name: 'tsv: header only',
    run: () => readTableFile(file('h.tsv', 'a\tb\n')),
    error: [DatasetFormatError, 'found only the header'],
  },
  {
    name: 'tsv: sniffed from a .txt file (policy: tab-separated)',
    run: () =>
      loadDataPath(
        file(
          's.txt',
          csvRows('x\ty', (i) => `${i}\t${i % 2 ? 'a' : 'b'}`),
        ),
      ),
    policy: (d: { description: { format: string; notes: string[] } }) => {
      expect(d.description.format).toBe('tsv');
      expect(d.description.notes[0]).toBe('format: tsv, sniffed from the content');
    },
  },
  // --- JSON ---
  {
    name: 'json: invalid JSON',
    run: () => tableFromJson('[{"a": 1,}]', 'bad.json'),
    error: [DatasetFormatError, 'bad.json: expected JSON text, found text that does not parse'],
  },
  {
    name: 'json: truncated',
    run: () => readTableFile(file('t.json', '[{"a": 1}, {"a"')),
    error: [DatasetFormatError, 'expected JSON text'],
  },
  {
    name: 'json: not an array',
    run: () => tableFromJson('{"a": [1, 2]}'),
    error: [DatasetFormatError, 'expected a JSON array of row objects, found object'],
  },
  {
    name: 'json: empty array',
    run: () => tableFromJson('[]'),
    error: [DatasetFormatError, 'expected at least one row, found an empty array'],
  },
  {
    name: 'json: a scalar row',
    run: () => tableFromJson('[{"a": 1}, 2]'),
    error: [
      DatasetFormatError,
      'at row 2: expected an object mapping column names to values, found 2',
    ],
  },
  {
    name: 'json: a nested value',
    run: () => tableFromJson('[{"a": {"b": 1}}]'),
    error: [DatasetFormatError, "column 'a': expected a number, string, boolean or null"],
  },
  {
    name: 'json: duplicate keys',
    run: () => tableFromJson('[{"a": 1, "b": 2}, {"a": 3, "b": 4, "a": 5}]', 'd.json'),
    error: [
      DatasetFormatError,
      "d.json at byte offset 36, row 2, column 'a': expected each key once per row object, found a second 'a' key",
    ],
  },
  {
    name: 'json: duplicate keys spelled with an escape',
    run: () => tableFromJson('[{"a": 1, "\\u0061": 2}]'),
    error: [DatasetFormatError, "found a second 'a' key"],
  },
  {
    name: 'json: equal keys in different rows (policy: fine)',
    run: () => tableFromJson('[{"a": 1, "b": "x"}, {"b": "y", "a": 2}]'),
    policy: (t: { rowCount: number; columns: string[] }) => {
      expect(t.rowCount).toBe(2);
      expect(t.columns).toEqual(['a', 'b']);
    },
  },
  {
    name: 'json: a key that looks like a duplicate inside a string value (policy: fine)',
    run: () => tableFromJson('[{"a": "\\"a\\": 2", "b": 1}]'),
    policy: (t: { values: Record<string, unknown[]> }) => expect(t.values.a).toEqual(['"a": 2']),
  },
  {
    name: 'json: 1e400 beyond float32',
    run: () =>
      loadDataPath(
        file(
          'inf.json',
          JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ x: i, y: i }))).replace(
            '"y":3',
            '"y":1e400',
          ),
        ),
      ),
    error: [DatasetFormatError, "row 4, column 'y': expected a number within the float32 range"],
  },
  {
    name: 'json: 1e39 beyond float32',
    run: () =>
      loadDataPath(
        file(
          'big.json',
          JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ x: i === 7 ? 1e39 : i, y: i }))),
        ),
      ),
    error: [DatasetFormatError, "row 8, column 'x'"],
  },
  {
    name: 'json: invalid UTF-8',
    run: () =>
      readTableFile(
        file(
          'u.json',
          cat(
            new TextEncoder().encode('[{"a": "'),
            bytes(0xed, 0xa0, 0x80),
            new TextEncoder().encode('"}]'),
          ),
        ),
      ),
    error: [DatasetFormatError, 'byte offset 8: expected UTF-8 text'],
  },
  {
    name: 'json: binary garbage',
    run: () => readTableFile(file('g.json', garbage(3000))),
    error: [DatasetFormatError, 'expected a text file'],
  },
  {
    name: 'json: BOM (policy: dropped)',
    run: () => tableFromJson('\ufeff[{"a": 1}]'),
    policy: (t: { columns: string[] }) => expect(t.columns).toEqual(['a']),
  },
  {
    name: 'json: empty file',
    run: () => readTableFile(file('e.json', '')),
    error: [DatasetFormatError, 'expected JSON text'],
  },
  // --- paths ---
  {
    name: 'path: missing file',
    run: () => loadDataPath(join(dir, 'nope.csv')),
    error: [DatasetNotFoundError, "'nope.csv'"],
  },
  {
    name: 'path: folder without known files',
    run: () => loadDataPath(dir.replace(/$/, '')),
    error: [DatasetNotFoundError, 'A data folder holds the IDX files'],
  },
];

describe('malformed-input corpus', () => {
  const times: number[] = [];

  it(`has at least 60 generated cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const start = performance.now();
      let result: unknown;
      let error: unknown;
      try {
        result = await c.run();
      } catch (e) {
        error = e;
      }
      times.push(performance.now() - start);
      if (c.error) {
        const [cls, part] = c.error;
        expect(error, `expected ${cls.name}`).toBeDefined();
        const isClass =
          cls === (RangeError as unknown) ? error instanceof RangeError : cls.is(error);
        expect(isClass, `${String(error)} is not a ${cls.name}`).toBe(true);
        if (cls !== (RangeError as unknown)) expect(DeltaclipError.is(error)).toBe(true);
        expect((error as Error).message).toContain(part);
      } else {
        if (error) throw error;
        c.policy!(result as never);
      }
    });
  }

  it('every case finished in under 1 s', () => {
    expect(times.length).toBe(cases.length);
    expect(Math.max(...times)).toBeLessThan(1000);
  });
});
