import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testData } from '../../test/helpers.js';
import { ParameterStore } from '../parameter-store.js';
import { applyBatchNorm, createBatchNorm } from './batch-norm.js';

function perChannel(values: ArrayLike<number>, channels: number) {
  const n = values.length / channels;
  const mean = new Array<number>(channels).fill(0);
  const m2 = new Array<number>(channels).fill(0);
  for (let i = 0; i < values.length; i++) mean[i % channels]! += values[i]! / n;
  for (let i = 0; i < values.length; i++)
    m2[i % channels]! += (values[i]! - mean[i % channels]!) ** 2;
  return { n, mean, biased: m2.map((s) => s / n), unbiased: m2.map((s) => s / (n - 1)) };
}

describe('batch norm', () => {
  it('training: normalizes each channel by the batch and moves the running statistics by momentum', () => {
    const store = new ParameterStore('bn-test', 0);
    const bn = createBatchNorm(store, 'bn', { channels: 2, momentum: 0.1, epsilon: 1e-5 });
    bn.gamma.assign(tf.tensor1d([2, 0.5]));
    bn.beta.assign(tf.tensor1d([1, -1]));
    const x = tf.add(tf.mul(testData([3, 2, 2, 2]), 4), 3);
    const stats = perChannel(x.dataSync(), 2);
    const y = applyBatchNorm(bn, x, true);
    const out = perChannel(y.dataSync(), 2);
    // y = gamma (x - mu) / sqrt(var + eps) + beta with the biased batch variance.
    for (let c = 0; c < 2; c++) {
      const gamma = [2, 0.5][c]!;
      expect(out.mean[c]).toBeCloseTo([1, -1][c]!, 5);
      expect(out.biased[c]).toBeCloseTo(
        (gamma ** 2 * stats.biased[c]!) / (stats.biased[c]! + 1e-5),
        4,
      );
    }
    const mean = bn.movingMean.dataSync();
    const variance = bn.movingVariance.dataSync();
    for (let c = 0; c < 2; c++) {
      expect(mean[c]).toBeCloseTo(0.1 * stats.mean[c]!, 5);
      expect(variance[c]).toBeCloseTo(0.9 + 0.1 * stats.unbiased[c]!, 5);
    }
    tf.dispose([x, y]);
    store.dispose();
  });

  it('inference: uses the running statistics and changes no state', () => {
    const store = new ParameterStore('bn-test', 0);
    const bn = createBatchNorm(store, 'bn', { channels: 2, momentum: 0.1, epsilon: 1e-3 });
    bn.movingMean.assign(tf.tensor1d([0.5, -2]));
    bn.movingVariance.assign(tf.tensor1d([4, 0.25]));
    bn.gamma.assign(tf.tensor1d([3, 1]));
    bn.beta.assign(tf.tensor1d([0, 1]));
    const x = testData([2, 3, 2]);
    const y = applyBatchNorm(bn, x, false).dataSync();
    const xs = x.dataSync();
    for (let i = 0; i < xs.length; i++) {
      const c = i % 2;
      const expected =
        ([3, 1][c]! * (xs[i]! - [0.5, -2][c]!)) / Math.sqrt([4, 0.25][c]! + 1e-3) + [0, 1][c]!;
      expect(y[i]).toBeCloseTo(expected, 5);
    }
    expect(Array.from(bn.movingMean.dataSync())).toEqual([0.5, -2]);
    expect(Array.from(bn.movingVariance.dataSync())).toEqual([4, 0.25]);
    x.dispose();
    store.dispose();
  });
});
