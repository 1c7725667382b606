import { rngFor } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { std } from '../test/reference.js';
import { seededNormal } from './random.js';

describe('seededNormal', () => {
  it('uploads the draws of rngFor(seed, stream) as a float32 tensor', () => {
    const t = seededNormal([2, 3], 5, 'noise');
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.dataSync()).toEqual(rngFor(5, 'noise').normalArray(6));
    t.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });

  it('is a pure function of (seed, stream)', () => {
    const a = seededNormal([1000], 42, 'dense0/kernel');
    const same = seededNormal([1000], 42, 'dense0/kernel');
    const otherSeed = seededNormal([1000], 43, 'dense0/kernel');
    const otherStream = seededNormal([1000], 42, 'dense1/kernel');
    expect(same.dataSync()).toEqual(a.dataSync());
    expect(otherSeed.dataSync()).not.toEqual(a.dataSync());
    expect(otherStream.dataSync()).not.toEqual(a.dataSync());
    tf.dispose([a, same, otherSeed, otherStream]);
  });

  it('draws with mean 0 and variance 1', () => {
    const t = seededNormal([100_000], 7);
    const z = t.dataSync() as Float32Array;
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std(z)).toBeCloseTo(1, 2);
    // The fraction beyond 1.96 sigma is about 5%.
    const tail = z.filter((v) => Math.abs(v) > 1.96).length / z.length;
    expect(tail).toBeGreaterThan(0.045);
    expect(tail).toBeLessThan(0.055);
    t.dispose();
  });

  it('rejects seeds that are not integers in [0, 2^53)', () => {
    expect(() => seededNormal([2], -1)).toThrow('seed must be an integer >= 0 (got -1)');
    expect(() => seededNormal([2], 1.5)).toThrow('seed must be an integer >= 0 (got 1.5)');
  });
});
