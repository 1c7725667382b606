import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { std } from '../test/reference.js';
import { Random, seededNormal } from './random.js';

describe('Random', () => {
  it('is a pure function of (seed, stream)', () => {
    const a = new Random(42, 'dense0/kernel').normalArray(1000);
    const b = new Random(42, 'dense0/kernel').normalArray(1000);
    expect(b).toEqual(a);
    expect(new Random(43, 'dense0/kernel').normalArray(1000)).not.toEqual(a);
    expect(new Random(42, 'dense1/kernel').normalArray(1000)).not.toEqual(a);
    // Seeds that differ only above 2^32 give different streams too.
    expect(new Random(2 ** 32 + 42, 'dense0/kernel').normalArray(10)).not.toEqual(a.slice(0, 10));
  });

  it('keeps its sequence across releases (checkpoints and published runs depend on it)', () => {
    const r = new Random(0, 'dense0/kernel');
    expect(Array.from({ length: 3 }, () => r.nextUint32())).toEqual(GOLDEN_UINT32);
    expect(Array.from(new Random(0, 'dense0/kernel').normalArray(3))).toEqual(GOLDEN_NORMAL);
  });

  it('draws uniforms in [0, 1) and normals with mean 0 and variance 1', () => {
    const r = new Random(7);
    let lo = 1;
    let hi = 0;
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      sum += u;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    const z = new Random(7).normalArray(100_000);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std(z)).toBeCloseTo(1, 2);
    // The fraction beyond 1.96 sigma is about 5%.
    const tail = z.filter((v) => Math.abs(v) > 1.96).length / z.length;
    expect(tail).toBeGreaterThan(0.045);
    expect(tail).toBeLessThan(0.055);
  });

  it('seededNormal uploads the same draws as a float32 tensor', () => {
    const t = seededNormal([2, 3], 5, 'noise');
    expect(t.shape).toEqual([2, 3]);
    expect(t.dataSync()).toEqual(new Random(5, 'noise').normalArray(6));
    t.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });

  it('rejects seeds that are not integers >= 0', () => {
    expect(() => new Random(-1)).toThrow('seed must be an integer >= 0 (got -1)');
    expect(() => new Random(1.5)).toThrow('seed must be an integer >= 0 (got 1.5)');
  });
});

const GOLDEN_UINT32 = [679059241, 1929178678, 912887034];
const GOLDEN_NORMAL = [0.13678708672523499, 0.5705183148384094, 1.0586870908737183];
