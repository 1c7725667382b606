import { deltaGClip, globalNorm, guardedAxpy, selectByScalar } from '@deltaclip/core';
import { describeOptimizerConformance } from '@deltaclip/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerCpuKernels } from '../index.js';
import { sumOfSquaresF64 } from './sum-of-squares.js';

registerCpuKernels();

describe('cpu kernels', () => {
  it('sumOfSquaresF64 matches a float64 sum, NaN and Infinity included', () => {
    const values = Float32Array.from({ length: 1003 }, (_, i) => Math.sin(i) * (i % 7));
    let expected = 0;
    for (const v of values) expected += v * v;
    expect(sumOfSquaresF64(values)).toBeCloseTo(expected, 9);
    expect(sumOfSquaresF64([1, 2, Number.NaN])).toBeNaN();
    expect(sumOfSquaresF64([1, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    expect(sumOfSquaresF64([])).toBe(0);
  });

  it('globalNorm through the kernel equals the float64 norm', () => {
    const a = tf.tensor1d([3, 4]);
    const b = tf.tensor2d([[12, 0]]);
    expect(globalNorm([a, b]).dataSync()[0]).toBe(13);
    tf.dispose([a, b]);
  });

  it('guardedAxpy computes x + alpha y, and returns x untouched when the guard is false', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1, 2, 3]);
      const y = tf.tensor1d([0.5, Number.NaN, -1]);
      const alpha = tf.scalar(2);
      const on = guardedAxpy(x, tf.tensor1d([0.5, 1, -1]), alpha, tf.scalar(true, 'bool'));
      expect(Array.from(on.dataSync())).toEqual([2, 4, 1]);
      const off = guardedAxpy(x, y, alpha, tf.scalar(false, 'bool'));
      expect(Array.from(off.dataSync())).toEqual([1, 2, 3]);
    });
  });
});

describeOptimizerConformance({
  name: 'deltaGClip with the cpu kernels',
  create: () => deltaGClip({ learningRate: 0.2, gamma: 0.5, delta: 0.05 }),
});

describe('selectByScalar on cpu', () => {
  it('returns the chosen tensor itself (no copy) and leaks nothing', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const a = tf.tensor1d([1, 2]);
      const b = tf.tensor1d([Number.NaN, 4]);
      const onA = selectByScalar(tf.scalar(true, 'bool'), a, b);
      const onB = selectByScalar(tf.scalar(false, 'bool'), a, b);
      expect(Array.from(onA.dataSync())).toEqual([1, 2]);
      expect(onA.dataId).toBe(a.dataId);
      expect(onB.dataId).toBe(b.dataId);
      expect(() => selectByScalar(tf.scalar(true, 'bool'), a, tf.zeros([3]))).toThrow(
        'selectByScalar needs tensors of one shape (got [2] and [3])',
      );
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('guardedAxpy on cpu rounds like tfjs mul then add', () => {
  it('equals the composed ops bit for bit', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([1031], 0, 3, 'float32', 7);
      const y = tf.randomNormal([1031], 0, 3, 'float32', 8);
      const a = tf.scalar(-0.0137);
      const fused = guardedAxpy(x, y, a, tf.scalar(true, 'bool')).dataSync();
      const composed = tf.add(x, tf.mul(y, a)).dataSync();
      expect(Array.from(fused)).toEqual(Array.from(composed));
    });
  });
});
