import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../errors.js';
import { loadTabularFile, readCifarFile, readTableFile } from './files.js';

const root = mkdtempSync(join(tmpdir(), 'deltaclip-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('readTableFile', () => {
  it('reads CSV, TSV, JSON and gzip-compressed CSV by extension and content', async () => {
    writeFileSync(join(root, 'a.csv'), 'x,y\n1,2\n');
    writeFileSync(join(root, 'a.tsv'), 'x\ty\n1\t2\n');
    writeFileSync(join(root, 'a.json'), '[{"x":1,"y":2}]');
    writeFileSync(join(root, 'b.csv.gz'), gzipSync('x,y\n1,2\n'));
    for (const f of ['a.csv', 'a.tsv', 'b.csv.gz']) {
      const t = await readTableFile(join(root, f));
      expect(t.values).toEqual({ x: ['1'], y: ['2'] });
      expect(t.file).toBe(join(root, f));
    }
    expect((await readTableFile(join(root, 'a.json'))).values).toEqual({ x: [1], y: [2] });
  });

  it('loadTabularFile names the dataset after the file and reports errors with the path', async () => {
    const lines = ['u,v'];
    for (let i = 0; i < 20; i++) lines.push(`${i},${2 * i}`);
    writeFileSync(join(root, 'line.csv'), lines.join('\n'));
    const s = await loadTabularFile(
      join(root, 'line.csv'),
      { task: 'regression', target: 'v' },
      { seed: 1 },
    );
    expect(s.metadata.name).toBe('line');
    expect(s.metadata.numSamples).toBe(20);
    writeFileSync(join(root, 'bad.csv'), 'u,v\n1,2\n3\n');
    const e = await readTableFile(join(root, 'bad.csv')).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetFormatError);
    expect(e.message).toContain(`${join(root, 'bad.csv')} at row 2, line 3: expected 2 cells`);
  });
});

describe('readCifarFile', () => {
  it('reads a gzip-compressed batch from disk', async () => {
    const bytes = new Uint8Array(2 * 3073);
    bytes[0] = 4;
    bytes[3073] = 6;
    writeFileSync(join(root, 'b.bin.gz'), gzipSync(bytes));
    const batch = await readCifarFile(join(root, 'b.bin.gz'), 'cifar-10');
    expect(Array.from(batch.labels)).toEqual([4, 6]);
  });
});
