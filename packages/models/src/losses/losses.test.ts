import { HALF_SUM, MEAN, squareLossFromName } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testData } from '../../test/helpers.js';
import { accuracy } from './accuracy.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { squareLoss } from './square-loss.js';

describe('squareLoss', () => {
  it('is c * sum (pred - y)^2 / d for each reduction and half (float64 reference)', () => {
    const pred = testData([4, 3], 1);
    const y = testData([4, 3], 2);
    const p = pred.dataSync();
    const t = y.dataSync();
    let sum = 0;
    for (let i = 0; i < p.length; i++) sum += (p[i]! - t[i]!) ** 2;
    // m = 12 residual entries (4 samples x 3 outputs), not the 3 outputs.
    const cases = [
      ['mean', sum / 12],
      ['half-mean', sum / 24],
      ['sum', sum],
      ['half-sum', sum / 2],
    ] as const;
    for (const [name, expected] of cases) {
      const loss = squareLoss(pred, y, squareLossFromName(name));
      expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
      loss.dispose();
    }
    const tfMse = tf.losses.meanSquaredError(y, pred);
    const ours = squareLoss(pred, y, MEAN);
    expect(ours.dataSync()[0]).toBeCloseTo(tfMse.dataSync()[0]!, 6);
    tf.dispose([pred, y, tfMse, ours]);
  });

  it('refuses mismatched shapes instead of broadcasting', () => {
    const pred = tf.zeros([4, 1]);
    const y = tf.zeros([4]);
    expect(() => squareLoss(pred, y, MEAN)).toThrow(
      'squareLoss: pred and y must have the same shape (got [4, 1] and [4])',
    );
    expect(() => squareLoss(pred, pred, { reduction: 'max', half: false } as never)).toThrow(
      "loss.reduction must be one of 'sum', 'mean' (got \"max\")",
    );
    tf.dispose([pred, y]);
  });
});

describe('softmaxCrossEntropy', () => {
  function reference(logits: number[][], labels: number[]): number {
    return (
      logits.reduce((s, row, i) => {
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((z, v) => z + Math.exp(v - max), 0));
        return s + lse - row[labels[i]!]!;
      }, 0) / logits.length
    );
  }

  it('matches a float64 reference, with index or one-hot labels, even for huge logits', () => {
    const rows = [
      [1, 2, 3],
      [0.5, -1, 0],
      [1000, -1000, 999], // overflows a naive softmax
    ];
    const labels = [2, 0, 2];
    const logits = tf.tensor2d(rows);
    const indices = tf.tensor1d(labels, 'int32');
    const oneHot = tf.oneHot(indices, 3);
    const expected = reference(rows, labels);
    const a = softmaxCrossEntropy(logits, indices);
    const b = softmaxCrossEntropy(logits, oneHot);
    const c = softmaxCrossEntropy(logits, indices, { reduction: 'sum' });
    expect(a.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(b.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(c.dataSync()[0]).toBeCloseTo(3 * expected, 4);
    tf.dispose([logits, indices, oneHot, a, b, c]);
  });

  it('averages over every position of a sequence batch [N, T, C]', () => {
    const logits = testData([2, 3, 4], 3);
    const labels = tf.tensor2d(
      [
        [0, 1, 2],
        [3, 2, 1],
      ],
      [2, 3],
      'int32',
    );
    const rows = Array.from({ length: 6 }, (_, i) =>
      Array.from(logits.dataSync().slice(4 * i, 4 * i + 4)),
    );
    const loss = softmaxCrossEntropy(logits, labels);
    expect(loss.dataSync()[0]).toBeCloseTo(reference(rows, [0, 1, 2, 3, 2, 1]), 5);
    tf.dispose([logits, labels, loss]);
  });

  it('names the expected label shapes when they do not fit', () => {
    const logits = tf.zeros([2, 3]);
    const labels = tf.zeros([3]);
    expect(() => softmaxCrossEntropy(logits, labels)).toThrow(
      'softmaxCrossEntropy: labels must be class indices of shape [2] or one-hot/probabilities of shape [2, 3] for logits [2, 3] (got [3])',
    );
    tf.dispose([logits, labels]);
  });
});

describe('accuracy', () => {
  it('is the fraction of positions whose arg-max is the label', () => {
    const logits = tf.tensor2d([
      [0.1, 0.9, 0],
      [2, 1, 0],
      [0, 0, 5],
      [1, 3, 2],
    ]);
    const labels = tf.tensor1d([1, 0, 1, 2], 'int32');
    const a = accuracy(logits, labels);
    expect(a.dataSync()[0]).toBeCloseTo(0.5, 6);
    const oneHot = tf.oneHot(labels, 3);
    const b = accuracy(logits, oneHot);
    expect(b.dataSync()[0]).toBeCloseTo(0.5, 6);
    tf.dispose([logits, labels, a, oneHot, b]);
  });

  it('leaks no tensor (nor does either loss)', () => {
    const logits = testData([4, 3]);
    const labels = tf.tensor1d([0, 1, 2, 0], 'int32');
    const before = tf.memory().numTensors;
    tf.dispose([
      accuracy(logits, labels),
      softmaxCrossEntropy(logits, labels),
      squareLoss(logits, logits, HALF_SUM),
    ]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
  });
});
