import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deltaGClip } from '../optimizers/delta-gclip.js';
import { countBackendReads } from '../testing/backend-reads.js';
import type { StepTelemetry } from './telemetry.js';

function setup(name: string) {
  const v = tf.variable(tf.zeros([2]), true, name);
  // Norms 0.5, 1, 1.5, ...: with gamma = 1 and delta = 0.5 the regimes are unclipped, unclipped,
  // clipped, floored (gamma/delta = 2 < 2.0 is false, so 2.0 is clipped), floored, ...
  const grads = [0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((x) => tf.tensor1d([x, 0]));
  return { v, grads, dispose: () => tf.dispose([v, ...grads]) };
}

describe('telemetry', () => {
  it('keeps the latest step and the regime counts on device, read on demand', async () => {
    const { v, grads, dispose } = setup('tel_a');
    const optimizer = deltaGClip({ learningRate: 0.2, gamma: 1, delta: 0.5 });
    expect(await optimizer.telemetry.latest()).toBeUndefined();
    const reads = await countBackendReads(() => {
      for (const g of grads) optimizer.applyGradients({ [v.name]: g });
    });
    expect(reads).toEqual({ sync: 0, async: 0 });
    const latest = await optimizer.telemetry.latest();
    expect(latest).toEqual({
      step: 6,
      gradNorm: 3.5,
      stepSize: expect.closeTo(0.1, 7),
      regime: 'floored',
    });
    expect(await optimizer.telemetry.counts()).toEqual({
      unclipped: 2,
      clipped: 2,
      floored: 3,
      skipped: 0,
    });
    expect(await optimizer.telemetry.flush()).toEqual([]); // no history kept unless asked
    optimizer.dispose();
    dispose();
  });

  it('delivers records every k steps through asynchronous reads only', async () => {
    const { v, grads, dispose } = setup('tel_b');
    const batches: StepTelemetry[][] = [];
    const optimizer = deltaGClip({
      learningRate: 0.2,
      gamma: 1,
      delta: 0.5,
      telemetry: { every: 3, onRecords: (r) => batches.push(r) },
    });
    const reads = await countBackendReads(async () => {
      for (const g of grads) optimizer.applyGradients({ [v.name]: g });
      await optimizer.telemetry.flush();
    });
    expect(reads.sync).toBe(0);
    expect(reads.async).toBe(3); // steps 0-2, 3-5, and the remainder 6 on flush
    expect(batches.map((b) => b.map((r) => r.step))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(batches.flat().map((r) => r.regime)).toEqual([
      'unclipped',
      'unclipped',
      'clipped',
      'clipped',
      'floored',
      'floored',
      'floored',
    ]);
    batches.flat().forEach((r, i) => {
      const norm = 0.5 * (i + 1);
      expect(r.gradNorm).toBeCloseTo(norm, 6);
      expect(r.stepSize).toBeCloseTo(0.2 * Math.min(1, Math.max(0.5, 1 / norm)), 6);
    });
    optimizer.dispose();
    dispose();
  });

  it('can be switched off, and then records nothing', async () => {
    const { v, grads, dispose } = setup('tel_c');
    const optimizer = deltaGClip({ learningRate: 0.2, telemetry: { enabled: false } });
    for (const g of grads) optimizer.applyGradients({ [v.name]: g });
    expect(await optimizer.telemetry.latest()).toBeUndefined();
    expect(await optimizer.telemetry.counts()).toEqual({
      unclipped: 0,
      clipped: 0,
      floored: 0,
      skipped: 0,
    });
    optimizer.dispose();
    dispose();
  });

  it('rejects every without onRecords', () => {
    expect(() => deltaGClip({ learningRate: 1, telemetry: { every: 2 } })).toThrow(
      'telemetry.every needs telemetry.onRecords',
    );
  });
});
