import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../errors.js';
import { encodeIdx, parseIdx, readIdx } from './idx.js';
import { mnistDataset, readMnist } from './mnist.js';

/** An IDX file written byte by byte, independently of encodeIdx: magic, big-endian dims, data. */
function idxBytes(typeCode: number, dims: number[], body: number[]): Uint8Array {
  const header = [0, 0, typeCode, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...body]);
}

/** A small MNIST-like pair: n images of 4 x 3 pixels (pixel p of image i = (7i + p) mod 256). */
function mnistPair(n: number) {
  const pixels = Array.from(
    { length: n * 12 },
    (_, k) => (7 * Math.floor(k / 12) + (k % 12)) % 256,
  );
  const labels = Array.from({ length: n }, (_, i) => (i * 3) % 10);
  return {
    images: idxBytes(0x08, [n, 4, 3], pixels),
    labels: idxBytes(0x08, [n], labels),
    pixels,
    labelValues: labels,
  };
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

async function formatErrorAsync(f: () => Promise<unknown>): Promise<DatasetFormatError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof DatasetFormatError) return e;
    throw e;
  }
  throw new Error('expected a DatasetFormatError');
}

describe('parseIdx', () => {
  it('reads the MNIST images and labels layout bit-exactly (magic 0x00000803 / 0x00000801)', () => {
    const { images, labels, pixels, labelValues } = mnistPair(5);
    expect(Array.from(images.subarray(0, 4))).toEqual([0, 0, 8, 3]);
    const a = parseIdx(images, { dtype: 'uint8', ndims: 3 });
    expect(a.dtype).toBe('uint8');
    expect(a.shape).toEqual([5, 4, 3]);
    expect(Array.from(a.data)).toEqual(pixels);
    const b = parseIdx(labels, { dtype: 'uint8', ndims: 1 });
    expect(b.shape).toEqual([5]);
    expect(Array.from(b.data)).toEqual(labelValues);
  });

  it('decodes every element type big-endian', () => {
    // int16 -2 = ff fe; int32 258 = 00 00 01 02; float32 1.5 = 3f c0 00 00; float64 -2 = c0 00 .. 00.
    expect(Array.from(parseIdx(idxBytes(0x0b, [2], [0xff, 0xfe, 0x01, 0x00])).data)).toEqual([
      -2, 256,
    ]);
    expect(Array.from(parseIdx(idxBytes(0x0c, [1], [0, 0, 1, 2])).data)).toEqual([258]);
    expect(Array.from(parseIdx(idxBytes(0x0d, [1], [0x3f, 0xc0, 0, 0])).data)).toEqual([1.5]);
    expect(Array.from(parseIdx(idxBytes(0x0e, [1], [0xc0, 0, 0, 0, 0, 0, 0, 0])).data)).toEqual([
      -2,
    ]);
    expect(Array.from(parseIdx(idxBytes(0x09, [2], [0xff, 0x7f])).data)).toEqual([-1, 127]);
    const big = parseIdx(
      idxBytes(
        0x08,
        [1, 2, 3, 4],
        Array.from({ length: 24 }, (_, i) => i),
      ),
    );
    expect(big.shape).toEqual([1, 2, 3, 4]);
  });

  it('encodeIdx writes the same bytes as the hand-made fixture, for every dtype', () => {
    const { images, pixels } = mnistPair(3);
    expect(encodeIdx('uint8', [3, 4, 3], pixels)).toEqual(images);
    expect(encodeIdx('int16', [2], [-2, 256])).toEqual(
      idxBytes(0x0b, [2], [0xff, 0xfe, 0x01, 0x00]),
    );
    const values = [1.5, -2.25, 3e6];
    for (const dtype of ['int32', 'float32', 'float64'] as const) {
      const round = parseIdx(
        encodeIdx(
          dtype,
          [3],
          values.map((v) => (dtype === 'int32' ? Math.round(v) : v)),
        ),
      );
      expect(Array.from(round.data)).toEqual(
        values.map((v) => (dtype === 'int32' ? Math.round(v) : v)),
      );
    }
  });

  it('bad input: truncated data names the file, the offset and the sizes', () => {
    const { images } = mnistPair(5);
    const e = formatError(() =>
      parseIdx(images.subarray(0, images.length - 7), { file: 'train-images-idx3-ubyte' }),
    );
    expect(e.file).toBe('train-images-idx3-ubyte');
    expect(e.offset).toBe(images.length - 7);
    expect(e.message).toBe(
      'train-images-idx3-ubyte at byte offset 69: expected 5 x 4 x 3 uint8 = 60 data bytes after the 16-byte header, found 53 data bytes (the file is truncated). Download the file again.',
    );
  });

  it('bad input: a wrong magic number', () => {
    const bytes = mnistPair(2).images.slice();
    bytes[0] = 0x12;
    const e = formatError(() => parseIdx(bytes, { file: 'f', dtype: 'uint8', ndims: 3 }));
    expect(e.offset).toBe(0);
    expect(e.expected).toBe(
      'an IDX magic number 0x00000803 (00 00, type code, number of dimensions)',
    );
    expect(e.found).toBe('0x12000803');
    // gzip given to the raw parser: the hint says what to do.
    const gz = gzipSync(mnistPair(2).images);
    expect(formatError(() => parseIdx(gz)).message).toContain(
      'The file is gzip-compressed: use readIdx',
    );
  });

  it('bad input: header and file size disagree (extra bytes after the data)', () => {
    const { labels } = mnistPair(4);
    const longer = Uint8Array.from([...labels, 9, 9]);
    const e = formatError(() => parseIdx(longer, { file: 'labels' }));
    expect(e.offset).toBe(8 + 4);
    expect(e.found).toBe('2 extra byte(s) after the data (header and file size disagree)');
  });

  it('bad input: labels file where images are expected (0x00000801 vs 0x00000803)', () => {
    const e = formatError(() =>
      parseIdx(mnistPair(2).labels, { file: 'x', dtype: 'uint8', ndims: 3 }),
    );
    expect(e.expected).toBe('magic number 0x00000803 (uint8, 3 dimension(s))');
    expect(e.found).toBe('0x00000801 (uint8, 1 dimension(s))');
  });

  it('bad input: a truncated header, an unknown type code, an empty file', () => {
    const e = formatError(() =>
      parseIdx(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 5, 0, 0), { file: 'h' }),
    );
    expect(e.message).toBe(
      'h at byte offset 10: expected a 16-byte header (3 big-endian uint32 dimension sizes after the magic number), found the file ending after 10 bytes.',
    );
    const t = formatError(() => parseIdx(Uint8Array.of(0, 0, 0x0a, 1, 0, 0, 0, 0)));
    expect(t.offset).toBe(2);
    expect(t.found).toBe('0x0a');
    expect(formatError(() => parseIdx(new Uint8Array(0))).found).toBe('an empty file');
  });
});

describe('readIdx (bytes, Blob, gzip through DecompressionStream)', () => {
  it('reads raw and gzip-compressed Blobs to the same array', async () => {
    const { images, pixels } = mnistPair(6);
    const raw = await readIdx(new Blob([images as Uint8Array<ArrayBuffer>]));
    const gz = await readIdx(new Blob([gzipSync(images)]), { file: 'a.gz' });
    expect(Array.from(raw.data)).toEqual(pixels);
    expect(Array.from(gz.data)).toEqual(pixels);
    expect(gz.shape).toEqual([6, 4, 3]);
  });

  it('bad input: a truncated gzip stream is an error, never a shorter array', async () => {
    const gz = gzipSync(mnistPair(50).images);
    const e = await formatErrorAsync(() =>
      readIdx(gz.subarray(0, gz.length - 20), { file: 'cut.gz' }),
    );
    expect(e.file).toBe('cut.gz');
    expect(e.expected).toBe('a complete gzip stream');
  });
});

describe('MNIST datasets', () => {
  it('builds [n, rows, cols, 1] images scaled to [0, 1] and one-hot labels', async () => {
    const a = mnistPair(5);
    const b = mnistPair(3);
    const { train, test } = await readMnist(
      {
        trainImages: a.images,
        trainLabels: a.labels,
        testImages: gzipSync(b.images),
        testLabels: b.labels,
      },
      { variant: 'fashion-mnist' },
    );
    expect(train.size).toBe(5);
    expect(test.size).toBe(3);
    expect(train.metadata.split).toBe('train');
    expect(train.metadata.classes[9]).toBe('Ankle boot');
    expect(train.featureShape).toEqual([4, 3, 1]);
    const batch = train.toTensors();
    expect(batch.x.shape).toEqual([5, 4, 3, 1]);
    const x = batch.x.dataSync();
    a.pixels.forEach((p, k) => {
      expect(x[k]).toBeCloseTo(p / 255, 6);
    });
    expect(Array.from(tf.argMax(batch.y, 1).dataSync())).toEqual(a.labelValues);
    tf.dispose(batch);
  });

  it('bad input: label count differs from image count', () => {
    const a = mnistPair(5);
    const b = mnistPair(4);
    const e = formatError(() =>
      mnistDataset(parseIdx(a.images), parseIdx(b.labels), {
        imagesFile: 'imgs',
        labelsFile: 'labs',
      }),
    );
    expect(e.message).toBe(
      'labs at byte offset 4: expected 5 labels, one per image in imgs, found 4 labels.',
    );
  });

  it('bad input: a label outside 0..9', () => {
    const a = mnistPair(3);
    const labels = idxBytes(0x08, [3], [1, 12, 3]);
    const e = formatError(() =>
      mnistDataset(parseIdx(a.images), parseIdx(labels), { labelsFile: 'l' }),
    );
    expect(e.offset).toBe(9);
    expect(e.found).toBe('12');
  });
});
