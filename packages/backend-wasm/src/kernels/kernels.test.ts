import { deltaGClip, globalNorm, guardedAxpy, selectByScalar } from '@deltaclip/core';
import { describeOptimizerConformance } from '@deltaclip/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from '../index.js';

registerWasmKernels();
await tf.setBackend('wasm');

describe('wasm kernels', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('globalNorm through the kernel equals the exact norm', () => {
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
      const off = guardedAxpy(
        x,
        tf.tensor1d([0.5, Number.NaN, -1]),
        alpha,
        tf.scalar(false, 'bool'),
      );
      expect(Array.from(off.dataSync())).toEqual([1, 2, 3]);
    });
  });
});

describeOptimizerConformance({
  name: 'deltaGClip with the wasm kernels',
  create: () => deltaGClip({ learningRate: 0.2, gamma: 0.5, delta: 0.05 }),
});

describe('selectByScalar on wasm', () => {
  it('returns the chosen tensor itself (no copy) and leaks nothing', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const a = tf.tensor1d([1, 2]);
      const b = tf.tensor1d([Number.NaN, 4]);
      const onA = selectByScalar(tf.scalar(true, 'bool'), a, b);
      const onB = selectByScalar(tf.scalar(false, 'bool'), a, b);
      expect(Array.from(onA.dataSync())).toEqual([1, 2]);
      expect(onA.dataId).toBe(a.dataId);
      expect(onB.dataId).toBe(b.dataId);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
