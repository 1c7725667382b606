import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../errors.js';
import {
  CIFAR10_CLASSES,
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  cifarDataset,
  encodeCifar,
  parseCifar,
  readCifar,
} from './cifar.js';

/** Pixel (channel c, position p = 32 * row + col) of record r. */
const pix = (r: number, c: number, p: number) => (r * 31 + c * 101 + p * 7) % 256;

/**
 * A CIFAR file written byte by byte as the format defines it: per record the label byte(s), then
 * 1024 red, 1024 green and 1024 blue bytes.
 */
function cifarBytes(labels: number[], coarse?: number[]): Uint8Array {
  const record = (coarse ? 2 : 1) + 3072;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((label, r) => {
    let at = r * record;
    if (coarse) out[at++] = coarse[r]!;
    out[at++] = label;
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++) out[at + c * 1024 + p] = pix(r, c, p);
  });
  return out;
}

function formatError(f: () => unknown): DatasetFormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof DatasetFormatError) return e;
    throw e;
  }
  throw new Error('expected a DatasetFormatError');
}

describe('parseCifar', () => {
  it('reads CIFAR-10 records (1 label byte + 3072 pixel bytes) into channels-last bytes, bit-exactly', () => {
    const labels = [3, 0, 9, 5];
    const batch = parseCifar(cifarBytes(labels), 'cifar-10');
    expect(batch.count).toBe(4);
    expect(Array.from(batch.labels)).toEqual(labels);
    expect(batch.coarseLabels).toBeUndefined();
    for (let r = 0; r < 4; r++) {
      for (let p = 0; p < 1024; p++) {
        for (let c = 0; c < 3; c++) {
          if (batch.images[r * 3072 + p * 3 + c] !== pix(r, c, p))
            throw new Error(`pixel ${r}/${p}/${c}`);
        }
      }
    }
  });

  it('keeps the stored channel-major order with layout nchw', () => {
    const bytes = cifarBytes([1, 2]);
    const batch = parseCifar(bytes, 'cifar-10', { layout: 'nchw' });
    expect(batch.images.subarray(0, 3072)).toEqual(bytes.subarray(1, 3073));
    expect(batch.images.subarray(3072)).toEqual(bytes.subarray(3074));
  });

  it('reads CIFAR-100 records (coarse, fine, 3072 pixels) with both label sets', () => {
    const fine = [99, 0, 42];
    const coarse = [19, 0, 7];
    const batch = parseCifar(cifarBytes(fine, coarse), 'cifar-100');
    expect(Array.from(batch.labels)).toEqual(fine);
    expect(Array.from(batch.coarseLabels!)).toEqual(coarse);
    expect(batch.images[2 * 3072 + 5 * 3 + 1]).toBe(pix(2, 1, 5));
    expect(CIFAR100_FINE_CLASSES).toHaveLength(100);
    expect(new Set(CIFAR100_FINE_CLASSES).size).toBe(100);
    expect(CIFAR100_COARSE_CLASSES).toHaveLength(20);
  });

  it('encodeCifar is the inverse of parseCifar and matches the hand-made fixture', () => {
    const bytes = cifarBytes([4, 7], [1, 2]);
    const batch = parseCifar(bytes, 'cifar-100');
    expect(encodeCifar('cifar-100', batch.images, batch.labels, batch.coarseLabels)).toEqual(bytes);
  });

  it('bad input: a truncated file (not a whole number of records)', () => {
    const bytes = cifarBytes([1, 2, 3]);
    const e = formatError(() =>
      parseCifar(bytes.subarray(0, 2 * 3073 + 100), 'cifar-10', { file: 'data_batch_1.bin' }),
    );
    expect(e.message).toBe(
      'data_batch_1.bin at byte offset 6146: expected a whole number of 3073-byte CIFAR-10 records (1 label byte + 3072 pixel bytes), found 6246 bytes: 2 whole record(s) and 100 byte(s) of record 3. The file is truncated: download it again.',
    );
  });

  it('bad input: a CIFAR-100 file read as CIFAR-10 says so', () => {
    const bytes = cifarBytes([1, 2, 3], [0, 0, 0]);
    expect(formatError(() => parseCifar(bytes, 'cifar-10')).message).toContain(
      'The size fits CIFAR-100 records: is this a CIFAR-100 file?',
    );
  });

  it('bad input: a label out of range, with the offset of its byte', () => {
    const bytes = cifarBytes([1, 2, 3]);
    bytes[2 * 3073] = 10;
    const e = formatError(() => parseCifar(bytes, 'cifar-10', { file: 'b' }));
    expect(e.offset).toBe(6146);
    expect(e.expected).toBe('a label 0..9 (record 3)');
    expect(e.found).toBe('10');
    const c = cifarBytes([1], [20]);
    expect(formatError(() => parseCifar(c, 'cifar-100')).expected).toBe(
      'a coarse label 0..19 (record 1)',
    );
  });

  it('bad input: a file cut at a record boundary fails the record-count check', () => {
    const bytes = cifarBytes([1, 2, 3]);
    const e = formatError(() =>
      parseCifar(bytes.subarray(0, 2 * 3073), 'cifar-10', { expectedRecords: 3 }),
    );
    expect(e.expected).toBe('3 records (9219 bytes)');
    expect(e.found).toBe('2 records (6146 bytes)');
  });

  it('bad input: an empty file', () => {
    expect(formatError(() => parseCifar(new Uint8Array(0), 'cifar-10')).found).toBe(
      'an empty file',
    );
  });
});

describe('CIFAR datasets', () => {
  it('concatenates batches into one [n, 32, 32, 3] uint8 set scaled to [0, 1] in batches', async () => {
    const a = await readCifar(new Blob([gzipSync(cifarBytes([1, 2]))]), 'cifar-10');
    const b = parseCifar(cifarBytes([8]), 'cifar-10');
    const ds = cifarDataset([a, b], 'cifar-10', { split: 'train' });
    expect(ds.size).toBe(3);
    expect(ds.featureShape).toEqual([32, 32, 3]);
    expect(ds.metadata.classes).toEqual(CIFAR10_CLASSES);
    const batch = ds.toTensors({ labels: 'index' });
    expect(Array.from(batch.y.dataSync())).toEqual([1, 2, 8]);
    const x = batch.x.dataSync();
    // Sample 2 is record 0 of the second file.
    expect(x[2 * 3072 + 10 * 3 + 2]).toBeCloseTo(pix(0, 2, 10) / 255, 6);
    tf.dispose(batch);
  });

  it('uses the coarse labels of CIFAR-100 on request', () => {
    const batch = parseCifar(cifarBytes([5, 6], [3, 4]), 'cifar-100');
    const ds = cifarDataset([batch], 'cifar-100', { labels: 'coarse' });
    expect(ds.numClasses).toBe(20);
    const t = ds.toTensors({ labels: 'index' });
    expect(Array.from(t.y.dataSync())).toEqual([3, 4]);
    tf.dispose(t);
  });
});
