import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deltaGClip, sumOfSquares } from '../src/index.js';
import { deltaGClipScalars, guardedAxpy, selectByScalar } from '../src/internal.js';
import {
  HOST_DELTA_GCLIP_SCALARS,
  HOST_GUARDED_AXPY,
  HOST_SUM_OF_SQUARES,
  HOST_TELEMETRY_STEP,
} from '../src/kernels/host-memory.js';

const values = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i) * (1 + (i % 5)));
const other = Float32Array.from({ length: 1001 }, (_, i) => Math.cos(3 * i));

describe("core's own kernels on tfjs's cpu backend (no @deltaclip/backend)", () => {
  it('sum of squares: a float64 sum, registered under core’s name for cpu', () => {
    let expected = 0;
    for (const v of values) expected += v * v;
    const x = tf.tensor1d(values);
    expect(sumOfSquares(x).dataSync()[0]).toBe(Math.fround(expected));
    expect(tf.getKernel(HOST_SUM_OF_SQUARES, 'cpu')).toBeDefined();
    expect(sumOfSquares(tf.tensor1d([1, Number.NaN])).dataSync()[0]).toBeNaN();
    x.dispose();
  });

  it('guarded axpy: bitwise tfjs Mul then Add when the guard holds, x itself when not', () => {
    const x = tf.tensor1d(values);
    const y = tf.tensor1d(other);
    const alpha = tf.scalar(-0.037);
    const applied = guardedAxpy(x, y, alpha, tf.scalar(true, 'bool'));
    expect(tf.getKernel(HOST_GUARDED_AXPY, 'cpu')).toBeDefined();
    const a = Math.fround(-0.037);
    const expected = values.map((v, i) => Math.fround(v + Math.fround(a * other[i]!)));
    expect(Array.from(applied.dataSync())).toEqual(Array.from(expected));
    const skipped = guardedAxpy(x, tf.fill([1001], Number.NaN), alpha, tf.scalar(false, 'bool'));
    expect(Array.from(skipped.dataSync())).toEqual(Array.from(values));
    tf.dispose([x, y, alpha, applied, skipped]);
  });

  it('select by scalar returns the chosen tensor’s values for float32 and int32', () => {
    const a = tf.tensor1d([1, 2, 3], 'int32');
    const b = tf.tensor1d([4, 5, 6], 'int32');
    expect(Array.from(selectByScalar(tf.scalar(true, 'bool'), a, b).dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(selectByScalar(tf.scalar(false, 'bool'), a, b).dataSync())).toEqual([
      4, 5, 6,
    ]);
    tf.dispose([a, b]);
  });
});

describe('δ-GClip scale and regime in one kernel (cpu)', () => {
  it('equals the op sequence it replaces, at every edge of the norm', () => {
    const norms = [0, 1e-30, 0.1, 0.5, 1, 2, 9.99, 10, 10.01, 1e3, 1e30, Infinity, Number.NaN];
    const run = () =>
      tf.tidy(() =>
        [0, 1e-3, 0.05, 0.5, 1, 2].flatMap((delta) =>
          norms.map((n) => {
            const { scale, regime } = deltaGClipScalars(tf.scalar(n), 0.5, delta);
            return [scale.dataSync()[0], regime.dataSync()[0], scale.dtype, regime.dtype];
          }),
        ),
      );
    const fused = run();
    expect(tf.getKernel(HOST_DELTA_GCLIP_SCALARS, 'cpu')).toBeDefined();
    const saved = tf.getKernel(HOST_DELTA_GCLIP_SCALARS, 'cpu')!;
    tf.unregisterKernel(HOST_DELTA_GCLIP_SCALARS, 'cpu');
    try {
      expect(fused).toEqual(run());
    } finally {
      tf.registerKernel(saved);
    }
    // A few by hand (gamma 0.5): unclipped, clipped, floored, skipped.
    const at = (n: number, delta: number) =>
      tf.tidy(() => {
        const { scale, regime } = deltaGClipScalars(tf.scalar(n), 0.5, delta);
        return [scale.dataSync()[0], regime.dataSync()[0]];
      });
    expect(at(0.25, 0.01)).toEqual([1, 0]);
    expect(at(1, 0.01)).toEqual([0.5, 1]);
    expect(at(1000, 0.01)).toEqual([Math.fround(0.01), 2]);
    expect(at(0, 0.01)).toEqual([0, 3]);
    expect(at(Number.NaN, 0.01)).toEqual([Math.fround(0.01), 2]);
  });
});

describe('one step of telemetry in one kernel (cpu)', () => {
  it('records what the op sequence records: rows and regime counts, skipped steps included', async () => {
    const run = async () => {
      const w = tf.variable(tf.tensor1d([1, 2, 3]));
      const opt = deltaGClip({
        learningRate: 0.5,
        gamma: 1,
        delta: 0.1,
        telemetry: { history: true },
      });
      // unclipped, clipped, floored, zero (skipped by δ-GClip), NaN (skipped by the guard)
      for (const scale of [0.1, 2, 100, 0, Number.NaN]) {
        const g = tf.tensor1d([scale, 0, 0]);
        opt.applyGradients({ [w.name]: g });
        g.dispose();
      }
      const records = await opt.telemetry.flush();
      const counts = await opt.telemetry.counts();
      opt.dispose();
      w.dispose();
      return { records, counts };
    };
    const fused = await run();
    expect(tf.getKernel(HOST_TELEMETRY_STEP, 'cpu')).toBeDefined();
    const saved = tf.getKernel(HOST_TELEMETRY_STEP, 'cpu')!;
    tf.unregisterKernel(HOST_TELEMETRY_STEP, 'cpu');
    try {
      expect(fused).toEqual(await run());
    } finally {
      tf.registerKernel(saved);
    }
    expect(fused.records.map((r) => r.regime)).toEqual([
      'unclipped',
      'clipped',
      'floored',
      'skipped',
      'skipped',
    ]);
    expect(fused.records.map((r) => r.stepSize)).toEqual([0.5, 0.25, Math.fround(0.05), 0, 0]);
    expect(fused.counts).toEqual({ unclipped: 1, clipped: 1, floored: 1, skipped: 2 });
  });
});
