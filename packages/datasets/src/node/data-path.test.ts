import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetNotFoundError, UnknownColumnError } from '../errors.js';
import { encodeIdx } from '../formats/idx.js';
import { describeDataPath, loadDataPath } from './data-path.js';
import { SYSTEM_DATA_DIRS } from './directories.js';

const root = mkdtempSync(join(tmpdir(), 'deltaclip-data-path-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

const rows = Array.from(
  { length: 40 },
  (_, i) => `${i},${(i % 3) * 1.5},${['red', 'blue'][i % 2]},${2 * i + 1}`,
);
const csv = write('houses.csv', `size,weight,color,price\n${rows.join('\n')}\n`);

describe('loadDataPath: tables', () => {
  it('defaults: the last column is the target, a numeric target means regression, text columns one-hot', async () => {
    const d = await loadDataPath(csv);
    expect(d.description).toMatchObject({
      format: 'csv',
      task: 'regression',
      taskInferred: true,
      target: 'price',
      features: ['size', 'weight', 'color'],
      rows: 40,
      dropped: [],
    });
    expect(d.train.size + d.validation.size + d.test.size).toBe(40);
    expect(d.metadata.featureNames).toEqual(['size', 'weight', 'color=blue', 'color=red']);
    expect(d.description.notes).toContain('target: price (the last column)');
  });

  it('--target, --drop and --task: a text target is classification, a numeric one can be forced', async () => {
    const byColor = await describeDataPath(csv, { target: 'color', drop: ['weight'] });
    expect(byColor).toMatchObject({
      task: 'classification',
      taskInferred: true,
      target: 'color',
      features: ['size', 'price'],
      classes: ['blue', 'red'],
      dropped: ['weight'],
    });
    const forced = await describeDataPath(csv, { target: 'weight', task: 'classification' });
    expect(forced.classes).toEqual(['0', '1.5', '3']);
    expect(forced.taskInferred).toBe(false);
    const coded = await describeDataPath(csv, { target: 'weight' });
    expect(coded.task).toBe('regression');
  });

  it('TSV by extension and by sniffing, JSON records', async () => {
    const tsvText = `a\tb\ty\n${Array.from({ length: 10 }, (_, i) => `${i}\t${i * 2}\t${i % 2 ? 'x' : 'z'}`).join('\n')}\n`;
    expect((await describeDataPath(write('t.tsv', tsvText))).format).toBe('tsv');
    const sniffed = await describeDataPath(write('t.txt', tsvText));
    expect(sniffed.format).toBe('tsv');
    expect(sniffed.features).toEqual(['a', 'b']);
    const json = write(
      'r.json',
      JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ x: i, label: i < 5 ? 'lo' : 'hi' }))),
    );
    expect(await describeDataPath(json)).toMatchObject({
      format: 'json',
      task: 'classification',
      classes: ['hi', 'lo'],
      rows: 10,
    });
  });

  it('bad input: unknown target or dropped column, missing path, folder without known files', async () => {
    const target = await loadDataPath(csv, { target: 'cost' }).catch((e) => e);
    expect(UnknownColumnError.is(target)).toBe(true);
    expect(target.message).toBe(
      `target column 'cost' is not in ${csv}; columns: 'size', 'weight', 'color', 'price'`,
    );
    const drop = await loadDataPath(csv, { drop: ['nope'] }).catch((e) => e);
    expect(drop.message).toBe(
      `drop column 'nope' is not in ${csv}; columns: 'size', 'weight', 'color', 'price'`,
    );
    const missing = await loadDataPath(join(root, 'absent.csv')).catch((e) => e);
    expect(DatasetNotFoundError.is(missing)).toBe(true);
    expect(missing.message).toContain("'absent.csv'");
    const empty = join(root, 'empty-folder');
    mkdirSync(empty);
    const folder = await loadDataPath(empty).catch((e) => e);
    expect(DatasetNotFoundError.is(folder)).toBe(true);
    expect(folder.message).toContain("'train-images-idx3-ubyte'");
    expect(folder.message).toContain("'data_batch_1.bin'");
  });
});

describe('loadDataPath: folders', () => {
  it('an IDX folder is classification on the official splits, validation held out of train', async () => {
    const dir = join(root, 'fashion-small');
    mkdirSync(dir);
    const n = 30;
    const m = 10;
    const img = (k: number) => encodeIdx('uint8', [k, 28, 28], new Uint8Array(k * 784));
    const lab = (k: number) =>
      encodeIdx(
        'uint8',
        [k],
        Uint8Array.from({ length: k }, (_, i) => i % 10),
      );
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), img(n));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), lab(n));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), img(m));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), lab(m));
    const d = await loadDataPath(dir, { validation: 0.2 });
    expect(d.description).toMatchObject({
      format: 'idx',
      task: 'classification',
      target: 'label',
      rows: 40,
    });
    expect(d.description.classes).toHaveLength(10);
    expect([d.train.size, d.validation.size, d.test.size]).toEqual([24, 6, 10]);
    expect(d.metadata.name).toBe('fashion-mnist');
  });
});

const debian = join(SYSTEM_DATA_DIRS[0]!, 'fashion-mnist');
const haveDebian = existsSync(join(debian, 'train-images-idx3-ubyte.gz'));

describe('Fashion-MNIST from the Debian package dataset-fashion-mnist', () => {
  it.skipIf(!haveDebian)(
    haveDebian
      ? `loads 60000 / 10000 images without a folder, from ${debian}`
      : `skipped: ${debian} has no IDX files (apt-get install dataset-fashion-mnist)`,
    async () => {
      const { loadMnistDirectory } = await import('./directories.js');
      const { train, test } = await loadMnistDirectory(undefined, { variant: 'fashion-mnist' });
      expect([train.size, test.size]).toEqual([60_000, 10_000]);
      expect(train.metadata.details.imagesFile).toBe(join(debian, 'train-images-idx3-ubyte.gz'));
      expect(train.metadata.featureShape).toEqual([28, 28, 1]);
    },
  );
});
