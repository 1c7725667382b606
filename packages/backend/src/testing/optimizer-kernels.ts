import { deltaGClip, globalNorm } from '@deltaclip/core';
import {
  GUARDED_AXPY,
  guardedAxpy,
  SELECT_BY_SCALAR,
  SUM_OF_SQUARES,
  selectByScalar,
} from '@deltaclip/core/internal';
import { describeOptimizerConformance } from '@deltaclip/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The contract of deltaclip's fused optimizer kernels (sum of squares, guarded axpy, select by a
 * scalar) on one backend, plus core's optimizer conformance suite running through them. Each
 * adapter package that registers the kernels runs it for its backend, after registering them.
 */
export function describeOptimizerKernels(backendName: string): void {
  describe(`deltaclip optimizer kernels on ${backendName}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backendName);
    });

    it('are registered for the backend (so the tests below exercise them, not the fallbacks)', () => {
      for (const name of [SUM_OF_SQUARES, GUARDED_AXPY, SELECT_BY_SCALAR]) {
        expect(tf.getKernel(name, backendName), name).toBeDefined();
      }
    });

    it('globalNorm through the sum-of-squares kernel equals the exact norm', () => {
      const a = tf.tensor1d([3, 4]);
      const b = tf.tensor2d([[12, 0]]);
      expect(globalNorm([a, b]).dataSync()[0]).toBe(13);
      tf.dispose([a, b]);
    });

    it('guardedAxpy computes x + alpha y, and returns x untouched when the guard is false', () => {
      tf.tidy(() => {
        const x = tf.tensor1d([1, 2, 3]);
        const alpha = tf.scalar(2);
        const on = guardedAxpy(x, tf.tensor1d([0.5, 1, -1]), alpha, tf.scalar(true, 'bool'));
        expect(Array.from(on.dataSync())).toEqual([2, 4, 1]);
        const nan = tf.tensor1d([0.5, Number.NaN, -1]);
        const off = guardedAxpy(x, nan, alpha, tf.scalar(false, 'bool'));
        expect(Array.from(off.dataSync())).toEqual([1, 2, 3]);
      });
    });

    it('guardedAxpy rounds like tfjs mul then add, bit for bit', () => {
      tf.tidy(() => {
        const x = tf.randomNormal([1031], 0, 3, 'float32', 7);
        const y = tf.randomNormal([1031], 0, 3, 'float32', 8);
        const a = tf.scalar(-0.0137);
        const fused = guardedAxpy(x, y, a, tf.scalar(true, 'bool')).dataSync();
        const composed = tf.add(x, tf.mul(y, a)).dataSync();
        expect(Array.from(fused)).toEqual(Array.from(composed));
      });
    });

    it('selectByScalar returns the chosen tensor itself (no copy) and leaks nothing', () => {
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

  describeOptimizerConformance({
    name: `deltaGClip with the ${backendName} kernels`,
    create: () => deltaGClip({ learningRate: 0.2, gamma: 0.5, delta: 0.05 }),
  });
}
