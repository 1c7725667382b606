import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Dataset, type DatasetInit } from './dataset.js';
import { epochOrder } from './random.js';

const META = {
  name: 'toy',
  task: 'classification' as const,
  description: 'toy',
  featureNames: [],
  targetNames: [],
  classes: ['a', 'b', 'c'],
  source: 'test',
  licence: 'test',
  preprocessing: [],
  details: {},
};

/** n samples of 3 features; feature j of sample i is 10*i + j; label i mod 3. */
function toy(n: number, extra: Partial<DatasetInit> = {}): Dataset {
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) x[i * 3 + j] = 10 * i + j;
  const y = Uint8Array.from({ length: n }, (_, i) => i % 3);
  return new Dataset({
    x,
    featureShape: [3],
    y,
    targetShape: [],
    numClasses: 3,
    metadata: META,
    ...extra,
  });
}

/** Sample ids (feature 0 / 10) of a batch. */
function ids(x: tf.Tensor): number[] {
  const v = x.dataSync();
  const out: number[] = [];
  for (let i = 0; i < x.shape[0]!; i++) out.push(Math.round(v[i * 3]! / 10));
  return out;
}

describe('Dataset batches', () => {
  it('visit every sample exactly once per epoch, in the order epochOrder(n, seed, epoch) gives', () => {
    const ds = toy(103);
    const seen: number[] = [];
    for (const b of ds.batches({ batchSize: 10, seed: 5, epoch: 2 })) {
      seen.push(...ids(b.x));
      tf.dispose(b);
    }
    expect(seen).toEqual(Array.from(epochOrder(103, 5, 2)));
    expect(ds.numBatches(10)).toBe(11);
    expect(ds.numBatches(10, true)).toBe(10);
  });

  it('resuming at batch b of epoch e gives exactly the batches an uninterrupted run sees', () => {
    const ds = toy(57);
    const run = (start: number) => {
      const out: number[][] = [];
      for (const b of ds.batches({ batchSize: 8, seed: 9, epoch: 3, startBatch: start })) {
        out.push([...ids(b.x), ...Array.from(b.y.dataSync())]);
        tf.dispose(b);
      }
      return out;
    };
    const full = run(0);
    expect(run(4)).toEqual(full.slice(4));
    // Random access is pure too: another dataset object, another call order.
    const b = toy(57).batch(5, { batchSize: 8, seed: 9, epoch: 3 });
    expect([...ids(b.x), ...Array.from(b.y.dataSync())]).toEqual(full[5]);
    tf.dispose(b);
  });

  it('gives different orders for different epochs and seeds, stored order with shuffle: false', () => {
    const ds = toy(40);
    const first = (o: { seed: number; epoch: number; shuffle?: boolean }) => {
      const b = ds.batch(0, { batchSize: 40, ...o });
      const r = ids(b.x);
      tf.dispose(b);
      return r;
    };
    expect(first({ seed: 1, epoch: 0 })).not.toEqual(first({ seed: 1, epoch: 1 }));
    expect(first({ seed: 1, epoch: 0 })).not.toEqual(first({ seed: 2, epoch: 0 }));
    expect(first({ seed: 1, epoch: 0, shuffle: false })).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
  });

  it('drops the last partial batch only when asked', () => {
    const ds = toy(25);
    const sizes = (dropRemainder: boolean) => {
      const out: number[] = [];
      for (const b of ds.batches({ batchSize: 10, dropRemainder })) {
        out.push(b.x.shape[0]!);
        tf.dispose(b);
      }
      return out;
    };
    expect(sizes(false)).toEqual([10, 10, 5]);
    expect(sizes(true)).toEqual([10, 10]);
  });

  it('builds one-hot float32 labels by default and int32 indices on request', () => {
    const ds = toy(6);
    const b = ds.batch(0, { batchSize: 6, shuffle: false });
    expect(b.y.dtype).toBe('float32');
    expect(b.y.shape).toEqual([6, 3]);
    expect(Array.from(b.y.dataSync())).toEqual([
      1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1,
    ]);
    const c = ds.batch(0, { batchSize: 6, shuffle: false, labels: 'index' });
    expect(c.y.dtype).toBe('int32');
    expect(Array.from(c.y.dataSync())).toEqual([0, 1, 2, 0, 1, 2]);
    tf.dispose([b, c]);
  });

  it('leaks no tensor: the caller disposes each batch and nothing else remains', () => {
    const ds = toy(50);
    const before = tf.memory().numTensors;
    for (const b of ds.batches({ batchSize: 7, seed: 1 })) tf.dispose(b);
    const all = ds.toTensors();
    tf.dispose(all);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with the house message', () => {
    const ds = toy(10);
    expect(() => ds.batch(0, { batchSize: 0 })).toThrow(
      'batchSize must be an integer >= 1 (got 0)',
    );
    expect(() => ds.batch(3, { batchSize: 4 })).toThrow(
      'batch index must be < 3, the number of batches of 4 in 10 samples (got 3)',
    );
    expect(() => ds.batch(0, { batchSize: 4, labels: 'dense' as 'index' })).toThrow(
      "labels must be one of 'oneHot', 'index' (got \"dense\")",
    );
    expect(() => [...ds.batches({ batchSize: 4, startBatch: -1 })]).toThrow(
      'startBatch must be an integer >= 0 (got -1)',
    );
  });
});

describe('Dataset construction', () => {
  it('checks sizes and label ranges', () => {
    const meta = META;
    expect(
      () =>
        new Dataset({
          x: new Float32Array(7),
          featureShape: [3],
          y: new Float32Array(2),
          targetShape: [],
          metadata: meta,
        }),
    ).toThrow('x has 7 values, not a multiple of the 3 features per sample (featureShape [3])');
    expect(
      () =>
        new Dataset({
          x: new Float32Array(6),
          featureShape: [3],
          y: new Float32Array(3),
          targetShape: [],
          metadata: meta,
        }),
    ).toThrow('y has 3 values but x holds 2 samples of 1 target value(s) each (2 expected)');
    expect(
      () =>
        new Dataset({
          x: new Float32Array(6),
          featureShape: [3],
          y: Uint8Array.of(0, 3),
          targetShape: [],
          numClasses: 3,
          metadata: meta,
        }),
    ).toThrow('label 3 of sample 1 is outside [0, 3)');
  });
});

describe('Dataset.split', () => {
  it('is deterministic by seed, disjoint, complete, with the requested sizes', () => {
    const ds = toy(200);
    const a = ds.split({ validation: 0.1, test: 0.25, seed: 4 });
    const b = toy(200).split({ validation: 0.1, test: 0.25, seed: 4 });
    const c = ds.split({ validation: 0.1, test: 0.25, seed: 5 });
    expect([a.train.size, a.validation.size, a.test.size]).toEqual([130, 20, 50]);
    expect(a.test.rowIndices()).toEqual(b.test.rowIndices());
    expect(a.train.rowIndices()).toEqual(b.train.rowIndices());
    expect(a.test.rowIndices()).not.toEqual(c.test.rowIndices());
    const all = [...a.train.rowIndices(), ...a.validation.rowIndices(), ...a.test.rowIndices()];
    expect(all.sort((p, q) => p - q)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(a.train.metadata.split).toBe('train');
    expect(a.test.metadata.numSamples).toBe(50);
  });

  it('splits are views: batches read the parent storage through the index array', () => {
    const ds = toy(30);
    const { test } = ds.split({ test: 0.3, seed: 1 });
    const rows = Array.from(test.rowIndices());
    const b = test.toTensors({ labels: 'index' });
    expect(ids(b.x)).toEqual(rows);
    expect(Array.from(b.y.dataSync())).toEqual(rows.map((r) => r % 3));
    tf.dispose(b);
    // A split of a split maps through both index arrays.
    const inner = test.subset([2, 0]);
    expect(Array.from(inner.rowIndices())).toEqual([rows[2], rows[0]]);
  });

  it('rejects fractions that leave nothing to train on', () => {
    expect(() => toy(10).split({ validation: 0.5, test: 0.5, seed: 0 })).toThrow(
      'validation (0.5) + test (0.5) leave no training samples out of 10',
    );
    expect(() => toy(10).split({ test: 1.5, seed: 0 })).toThrow('test must be in [0, 1] (got 1.5)');
  });
});

describe('Dataset normalization and statistics', () => {
  it('computes float64 per-feature statistics of the view and applies (x - mean) / std in batches', () => {
    const ds = toy(20);
    const view = ds.subset([1, 4, 9, 16]);
    const stats = view.featureStatistics();
    for (let j = 0; j < 3; j++) {
      const values = [1, 4, 9, 16].map((i) => 10 * i + j);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      expect(stats.mean[j]).toBeCloseTo(mean, 12);
      expect(stats.std[j]).toBeCloseTo(std, 12);
      expect(stats.min[j]).toBe(values[0]);
      expect(stats.max[j]).toBe(values[3]);
    }
    const normalized = view.withNormalization({
      features: { mean: Array.from(stats.mean), std: Array.from(stats.std) },
    });
    const b = normalized.toTensors();
    const v = b.x.dataSync();
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        const raw = 10 * [1, 4, 9, 16][i]! + j;
        expect(v[i * 3 + j]).toBeCloseTo((raw - stats.mean[j]!) / stats.std[j]!, 5);
      }
    }
    tf.dispose(b);
    expect(normalized.metadata.featureNormalization?.mean).toEqual(Array.from(stats.mean));
    expect(view.metadata.featureNormalization).toBeNull();
  });

  it('scales uint8 pixels to [0, 1] with { mean: 0, std: 255 } without copying the stored bytes', () => {
    const x = Uint8Array.from({ length: 4 * 5 }, (_, i) => (i * 37) % 256);
    const ds = new Dataset({
      x,
      featureShape: [5],
      y: Uint8Array.of(0, 1, 0, 1),
      targetShape: [],
      numClasses: 2,
      featureNormalization: { mean: 0, std: 255 },
      metadata: META,
    });
    const b = ds.toTensors();
    const v = b.x.dataSync();
    for (let i = 0; i < x.length; i++) expect(v[i]).toBeCloseTo(x[i]! / 255, 6);
    tf.dispose(b);
  });

  it('rejects a normalization of the wrong length or with std <= 0', () => {
    expect(() => toy(4).withNormalization({ features: { mean: [0, 0], std: 1 } })).toThrow(
      'feature normalization mean must have 3 entries, one per feature (got 2)',
    );
    expect(() => toy(4).withNormalization({ features: { mean: 0, std: 0 } })).toThrow(
      'feature normalization std must be > 0 (got 0)',
    );
  });
});

describe('Dataset memory', () => {
  it('holds a 60,000 x 784 image set as one 47 MB Uint8Array and batches it without copying the set', () => {
    const n = 60_000;
    const x = new Uint8Array(n * 784);
    for (let i = 0; i < n; i++) x[i * 784] = i % 251;
    const y = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const ds = new Dataset({
      x,
      featureShape: [28, 28, 1],
      y,
      targetShape: [],
      numClasses: 10,
      featureNormalization: { mean: 0, std: 255 },
      metadata: { ...META, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
    });
    expect(x.byteLength).toBe(47_040_000);
    const { train, validation } = ds.split({ validation: 1 / 6, seed: 0 });
    expect([train.size, validation.size]).toEqual([50_000, 10_000]);
    // A whole epoch of batches: memory grows by batches only, never by a copy of the set.
    const heapBefore = process.memoryUsage().arrayBuffers;
    let count = 0;
    for (const b of train.batches({ batchSize: 500, seed: 1, epoch: 0 })) {
      if (count === 0) {
        const rows = Array.from(train.rowIndices());
        const order = epochOrder(train.size, 1, 0);
        const first = b.x.dataSync()[0]!;
        expect(first).toBeCloseTo((rows[order[0]!]! % 251) / 255, 6);
        expect(b.x.shape).toEqual([500, 28, 28, 1]);
      }
      tf.dispose(b);
      count++;
    }
    expect(count).toBe(100);
    // A float32 copy of the training set would be 157 MB; batches are garbage the GC reclaims.
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(100_000_000);
    // The splits read the very array given to the constructor.
    expect((train as unknown as { storage: { x: Uint8Array } }).storage.x).toBe(x);
    expect((validation as unknown as { storage: { x: Uint8Array } }).storage.x).toBe(x);
  });
});
