import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFormatError, DatasetNotFoundError } from '../errors.js';
import { loadCifarDirectory, loadMnistDirectory } from './directories.js';
import { readIdxFile } from './files.js';

const root = mkdtempSync(join(tmpdir(), 'deltaclip-datasets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** IDX bytes, written byte by byte: 00 00 08 NN, big-endian dims, data. */
function idx(dims: number[], body: Uint8Array): Uint8Array {
  const header = [0, 0, 8, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

function mnistFiles(dir: string, n: number, m: number, gzip: boolean) {
  mkdirSync(dir, { recursive: true });
  const images = (k: number, salt: number) =>
    Uint8Array.from({ length: k * 784 }, (_, i) => (i * 13 + salt) % 256);
  const labels = (k: number, salt: number) =>
    Uint8Array.from({ length: k }, (_, i) => (i + salt) % 10);
  const files = {
    'train-images-idx3-ubyte': idx([n, 28, 28], images(n, 1)),
    'train-labels-idx1-ubyte': idx([n], labels(n, 2)),
    't10k-images-idx3-ubyte': idx([m, 28, 28], images(m, 3)),
    't10k-labels-idx1-ubyte': idx([m], labels(m, 4)),
  };
  for (const [name, bytes] of Object.entries(files)) {
    writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  }
  return { trainImages: images(n, 1), trainLabels: labels(n, 2), testLabels: labels(m, 4) };
}

describe('loadMnistDirectory', () => {
  it('finds the standard gzip file names in a folder and reads them bit-exactly', async () => {
    const dir = join(root, 'fashion');
    const expected = mnistFiles(dir, 20, 7, true);
    const { train, test } = await loadMnistDirectory(dir, {
      variant: 'fashion-mnist',
      normalization: null,
    });
    expect([train.size, test.size]).toEqual([20, 7]);
    expect(train.metadata.name).toBe('fashion-mnist');
    expect(train.metadata.details.imagesFile).toBe(join(dir, 'train-images-idx3-ubyte.gz'));
    const b = train.toTensors({ labels: 'index' });
    expect(Float32Array.from(b.x.dataSync())).toEqual(Float32Array.from(expected.trainImages));
    expect(Array.from(b.y.dataSync())).toEqual(Array.from(expected.trainLabels));
    tf.dispose(b);
  });

  it('finds uncompressed files in the torchvision layout (MNIST/raw) below the given folder', async () => {
    const dir = join(root, 'tv');
    const expected = mnistFiles(join(dir, 'MNIST', 'raw'), 5, 3, false);
    const { test } = await loadMnistDirectory(pathToFileURL(dir));
    const b = test.toTensors({ labels: 'index' });
    expect(Array.from(b.y.dataSync())).toEqual(Array.from(expected.testLabels));
    tf.dispose(b);
  });

  it('missing files: lists what it expected, where it looked and where to get them', async () => {
    const dir = join(root, 'partial');
    mnistFiles(dir, 2, 2, true);
    rmSync(join(dir, 't10k-labels-idx1-ubyte.gz'));
    const error = await loadMnistDirectory(dir, { variant: 'fashion-mnist' }).catch((e) => e);
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    expect(error.missing.map((f: { role: string }) => f.role)).toEqual(['test labels']);
    expect(error.message).toContain(
      "Missing:\n  - test labels: 't10k-labels-idx1-ubyte.gz' or 't10k-labels-idx1-ubyte' or 't10k-labels.idx1-ubyte'",
    );
    expect(error.message).toContain(`Looked in: '${dir}', '${join(dir, 'raw')}'`);
    expect(error.message).toContain('https://github.com/zalandoresearch/fashion-mnist');
    const none = await loadMnistDirectory(join(root, 'nope')).catch((e) => e);
    expect(none.message).toContain(`The folder '${join(root, 'nope')}' does not exist.`);
    expect(none.missing).toHaveLength(4);
  });

  it('bad input: a truncated gzip file on disk', async () => {
    const file = join(root, 'cut.gz');
    const gz = gzipSync(idx([100, 28, 28], new Uint8Array(78_400).fill(3)));
    writeFileSync(file, gz.subarray(0, gz.length - 30));
    const e = await readIdxFile(file).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetFormatError);
    expect(e.message).toMatch(
      /^.*cut\.gz: expected a complete gzip stream, found one that is truncated or corrupt/,
    );
  });
});

/** A CIFAR file of `count` records: label (i * k) mod classes, a few marker pixels per record. */
function cifarFile(count: number, record: number, salt: number): Uint8Array {
  const out = new Uint8Array(count * record);
  for (let r = 0; r < count; r++) {
    const at = r * record;
    if (record === 3074) {
      out[at] = (r + salt) % 20;
      out[at + 1] = (r * 7 + salt) % 100;
    } else {
      out[at] = (r * 3 + salt) % 10;
    }
    const px = at + record - 3072;
    out[px] = r % 256; // red of pixel 0
    out[px + 1024 + 1] = salt; // green of pixel 1
    out[px + 2048 + 1023] = (r >> 8) % 256; // blue of the last pixel
  }
  return out;
}

describe('loadCifarDirectory', () => {
  it('reads the six official CIFAR-10 files (10,000 records each) from the parent folder', async () => {
    const dir = join(root, 'c10', 'cifar-10-batches-bin');
    mkdirSync(dir, { recursive: true });
    for (let i = 1; i <= 5; i++)
      writeFileSync(join(dir, `data_batch_${i}.bin`), cifarFile(10_000, 3073, i));
    writeFileSync(join(dir, 'test_batch.bin'), cifarFile(10_000, 3073, 9));
    const { train, test } = await loadCifarDirectory(join(root, 'c10'), { normalization: null });
    expect([train.size, test.size]).toEqual([50_000, 10_000]);
    // Sample 10,000 * 2 + 17 is record 17 of data_batch_3.
    const b = train.gather([20_017], 'index');
    expect(b.y.dataSync()[0]).toBe((17 * 3 + 3) % 10);
    const x = b.x.dataSync();
    expect([x[0], x[1 * 3 + 1], x[1023 * 3 + 2]]).toEqual([17, 3, 0]);
    tf.dispose(b);
    expect(train.metadata.details.files).toHaveLength(5);
  });

  it('bad input: an official file cut at a record boundary is rejected', async () => {
    const dir = join(root, 'c10cut');
    mkdirSync(dir, { recursive: true });
    for (let i = 1; i <= 5; i++)
      writeFileSync(join(dir, `data_batch_${i}.bin`), cifarFile(i === 4 ? 9_999 : 10_000, 3073, i));
    writeFileSync(join(dir, 'test_batch.bin'), cifarFile(10_000, 3073, 9));
    const e = await loadCifarDirectory(dir).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetFormatError);
    expect(e.file).toBe(join(dir, 'data_batch_4.bin'));
    expect(e.expected).toBe('10000 records (30730000 bytes)');
  });

  it('reads CIFAR-100 train.bin (50,000) and test.bin (10,000) with fine or coarse labels', async () => {
    const dir = join(root, 'c100', 'cifar-100-binary');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'train.bin'), cifarFile(50_000, 3074, 1));
    writeFileSync(join(dir, 'test.bin'), cifarFile(10_000, 3074, 2));
    const fine = await loadCifarDirectory(join(root, 'c100'), { variant: 'cifar-100' });
    const coarse = await loadCifarDirectory(dir, { variant: 'cifar-100', labels: 'coarse' });
    expect(fine.train.numClasses).toBe(100);
    expect(coarse.test.numClasses).toBe(20);
    const f = fine.train.gather([12_345], 'index');
    const c = coarse.test.gather([77], 'index');
    expect(f.y.dataSync()[0]).toBe((12_345 * 7 + 1) % 100);
    expect(c.y.dataSync()[0]).toBe((77 + 2) % 20);
    tf.dispose([f, c]);
  });

  it('missing CIFAR files: names the binary archive to download', async () => {
    const e = await loadCifarDirectory(join(root, 'empty-cifar')).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetNotFoundError);
    expect(e.missing.map((f: { names: string[] }) => f.names[0])).toEqual([
      'data_batch_1.bin',
      'data_batch_2.bin',
      'data_batch_3.bin',
      'data_batch_4.bin',
      'data_batch_5.bin',
      'test_batch.bin',
    ]);
    expect(e.message).toContain('cifar-10-binary.tar.gz');
  });
});
