import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { encodeCifar, encodeIdx } from '@deltaclip/datasets/internal';
import {
  Dataset,
  parseCifar,
  parseCsv,
  parseIdx,
  readCifarFile,
  readIdx,
  readIdxFile,
  readTableFile,
  tabularDataset,
} from '@deltaclip/datasets/node';
import { Rng } from '@deltaclip/utils';
import { fmt, median, type Suite, table } from '../suite.js';

/** Median wall time (ms) of `reps` runs after one warm-up. */
async function time(reps: number, f: () => unknown): Promise<number> {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/**
 * MNIST-like images: dark background with a random-walk stroke of noisy bright discs, so gzip has
 * real work (the real MNIST training images, 47 MB, are 9.9 MB gzipped).
 */
function mnistLike(n: number, rng: Rng): Uint8Array {
  const out = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) {
    const base = i * 784;
    const strokes = 10 + rng.int(8);
    let cx = 8 + rng.int(12);
    let cy = 8 + rng.int(12);
    for (let s = 0; s < strokes; s++) {
      cx = Math.min(24, Math.max(4, cx + rng.int(7) - 3));
      cy = Math.min(24, Math.max(4, cy + rng.int(7) - 3));
      for (let y = cy - 2; y <= cy + 2; y++) {
        for (let x = cx - 2; x <= cx + 2; x++) {
          const d = (x - cx) ** 2 + (y - cy) ** 2;
          if (d <= 4)
            out[base + y * 28 + x] = Math.max(out[base + y * 28 + x]!, 255 - 50 * d - rng.int(90));
        }
      }
    }
  }
  return out;
}

interface Row {
  what: string;
  inMB: number;
  outMB: number;
  ms: number;
}

export const datasets: Suite = {
  id: 'datasets',
  title: 'Dataset parsing throughput (IDX, CIFAR) and batch assembly',
  async run() {
    await tf.setBackend('cpu');
    const rng = new Rng(1);
    const dir = mkdtempSync(join(tmpdir(), 'deltaclip-bench-datasets-'));
    const rows: Row[] = [];
    try {
      // IDX: a 60,000 x 28 x 28 uint8 images file, raw and gzip.
      const pixels = mnistLike(60_000, rng);
      const idx = encodeIdx('uint8', [60_000, 28, 28], pixels);
      const gz = gzipSync(idx);
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx);
      writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gz);
      const mb = idx.length / 1e6;
      const gzMB = gz.length / 1e6;
      rows.push({
        what: 'IDX raw, in memory: parseIdx (header checks, zero-copy view)',
        inMB: mb,
        outMB: mb,
        ms: await time(9, () => parseIdx(idx)),
      });
      rows.push({
        what: 'IDX raw, from disk: readIdxFile',
        inMB: mb,
        outMB: mb,
        ms: await time(5, () => readIdxFile(join(dir, 'train-images-idx3-ubyte'))),
      });
      rows.push({
        what: 'IDX gzip, from disk: readIdxFile (node:zlib)',
        inMB: gzMB,
        outMB: mb,
        ms: await time(5, () => readIdxFile(join(dir, 'train-images-idx3-ubyte.gz'))),
      });
      rows.push({
        what: 'IDX gzip, in memory: readIdx (DecompressionStream, browser path)',
        inMB: gzMB,
        outMB: mb,
        ms: await time(5, () => readIdx(gz)),
      });

      // CIFAR-10: one 10,000-record batch (30.73 MB).
      const images = new Uint8Array(10_000 * 3072);
      for (let i = 0; i < images.length; i++) images[i] = (i * 2654435761) >>> 24;
      const labels = Uint8Array.from({ length: 10_000 }, (_, i) => i % 10);
      const cifar = encodeCifar('cifar-10', images, labels);
      writeFileSync(join(dir, 'data_batch_1.bin'), cifar);
      const cmb = cifar.length / 1e6;
      rows.push({
        what: 'CIFAR-10 batch, in memory: parseCifar to channels-last',
        inMB: cmb,
        outMB: images.length / 1e6,
        ms: await time(7, () => parseCifar(cifar, 'cifar-10')),
      });
      rows.push({
        what: 'CIFAR-10 batch, in memory: parseCifar, stored layout (nchw)',
        inMB: cmb,
        outMB: images.length / 1e6,
        ms: await time(7, () => parseCifar(cifar, 'cifar-10', { layout: 'nchw' })),
      });
      rows.push({
        what: 'CIFAR-10 batch, from disk: readCifarFile (channels-last)',
        inMB: cmb,
        outMB: images.length / 1e6,
        ms: await time(5, () =>
          readCifarFile(join(dir, 'data_batch_1.bin'), 'cifar-10', { expectedRecords: 10_000 }),
        ),
      });

      // Tables: a 20 MB CSV of numbers and quoted text (papaparse underneath).
      const csvLines = ['id,x,name,k,s,cat,note,y'];
      let csvSize = 0;
      for (let i = 0; csvSize < 20e6; i++) {
        const line = `${i},${(i * 0.37).toFixed(4)},"name ${i}, x",${i % 7},${Math.sin(i).toFixed(6)},c${i % 5},"q""uote",${i * 3}`;
        csvLines.push(line);
        csvSize += line.length + 1;
      }
      const csvText = csvLines.join('\n');
      writeFileSync(join(dir, 'big.csv'), csvText);
      const csvMB = csvText.length / 1e6;
      rows.push({
        what: 'CSV 20 MB, in memory: parseCsv',
        inMB: csvMB,
        outMB: csvMB,
        ms: await time(3, () => parseCsv(csvText)),
      });
      rows.push({
        what: 'CSV 20 MB, from disk: readTableFile (strict UTF-8 decode + parse)',
        inMB: csvMB,
        outMB: csvMB,
        ms: await time(3, () => readTableFile(join(dir, 'big.csv'))),
      });
      const csvTable = parseCsv(csvText);
      rows.push({
        what: 'CSV 20 MB table -> tabularDataset (numeric x, k, s; drop text)',
        inMB: csvMB,
        outMB: (csvTable.rowCount * 3 * 4) / 1e6,
        ms: await time(3, () =>
          tabularDataset(csvTable, {
            name: 'b',
            task: 'regression',
            target: 'y',
            numeric: ['x', 'k', 's'],
          }),
        ),
      });
      rows.push({
        what: 'CSV cell of 200,000 digits: parseCsv + tabularDataset (float32 range error)',
        inMB: 0.2,
        outMB: 0.2,
        ms: await time(3, () => {
          const t = parseCsv(`x,y\n${'9'.repeat(200_000)},1\n1,2\n`);
          try {
            tabularDataset(t, { name: 'd', task: 'regression', target: 'y', numeric: ['x'] });
          } catch {
            // expected: the value is outside float32
          }
        }),
      });

      // Batch assembly: one shuffled epoch of the 60,000 images as float32 batches of 128.
      const ds = new Dataset({
        x: pixels,
        featureShape: [28, 28, 1],
        y: Uint8Array.from({ length: 60_000 }, (_, i) => i % 10),
        targetShape: [],
        numClasses: 10,
        featureNormalization: { mean: 0, std: 255 },
        metadata: {
          name: 'bench',
          task: 'classification',
          description: '',
          featureNames: [],
          targetNames: [],
          classes: [],
          source: '',
          licence: '',
          preprocessing: [],
          details: {},
        },
      });
      const epoch = (shuffle: boolean) => {
        for (const b of ds.batches({ batchSize: 128, seed: 1, epoch: 0, shuffle })) tf.dispose(b);
      };
      const floatMB = (60_000 * 784 * 4) / 1e6;
      rows.push({
        what: 'epoch of batches (128, shuffled): uint8 -> float32 [0,1] tensors + one-hot',
        inMB: mb,
        outMB: floatMB,
        ms: await time(3, () => epoch(true)),
      });
      rows.push({
        what: 'epoch of batches (128, stored order)',
        inMB: mb,
        outMB: floatMB,
        ms: await time(3, () => epoch(false)),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return [
      'Files generated on the fly: a 60,000 x 28 x 28 IDX images file (MNIST size; strokes on a dark',
      'background, gzip ratio in the table; the real file is 47 MB -> 9.9 MB) and a 10,000-record',
      'CIFAR-10 batch, and a 20 MB CSV (8 columns, quoted cells with commas and doubled quotes). MB/s is output bytes',
      '(decompressed file or parsed pixels) per second; median of several runs after a warm-up. "from',
      'disk" reads a file just written (page cache).',
      '',
      table(
        ['operation', 'input MB', 'output MB', 'ms', 'MB/s'],
        rows.map((r) => [
          r.what,
          fmt(r.inMB),
          fmt(r.outMB),
          fmt(r.ms),
          fmt(r.outMB / (r.ms / 1000)),
        ]),
      ),
    ].join('\n');
  },
};
