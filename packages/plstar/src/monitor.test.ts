import { countBackendReads } from '@deltaclip/core/testing';
import { GradientsNotRegisteredError, HALF_SUM } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { analyzePlStar } from './analyze.js';
import { WeightSnapshot } from './distance.js';
import { ConcurrentObservationError, MonitorDisposedError } from './errors.js';
import { createPlStarMonitor } from './monitor.js';

let counter = 0;
function setup() {
  const id = counter++;
  const [W, a] = tf.tidy(() => [
    tf.variable(tf.randomNormal([3, 16], 0, 1, 'float32', 1), true, `mon_W${id}`),
    tf.variable(tf.randomNormal([16, 1], 0, 0.25, 'float32', 2), true, `mon_a${id}`),
  ]);
  const x = tf.randomNormal([8, 3], 0, 1, 'float32', 3);
  const y = tf.randomNormal([8, 1], 0, 1, 'float32', 4);
  const model = {
    variables: [W, a],
    apply: (z: tf.Tensor) => tf.matMul(tf.relu(tf.matMul(z as tf.Tensor2D, W)), a),
  };
  return { model, x, y, dispose: () => tf.dispose([W, a, x, y]) };
}

describe('createPlStarMonitor', () => {
  it('does nothing on steps that are not multiples of every: no tensors, no reads', async () => {
    const s = setup();
    const monitor = createPlStarMonitor({ ...s, squareLoss: HALF_SUM, every: 5 });
    const before = tf.memory().numTensors;
    let results: unknown[] = [];
    const reads = await countBackendReads(async () => {
      results = await Promise.all([1, 2, 3, 4, 6, 99].map((t) => monitor.observe(t)));
    });
    expect(results).toEqual([null, null, null, null, null, null]);
    expect(reads).toEqual({ sync: 0, async: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(monitor.records()).toHaveLength(0);
    monitor.dispose();
    s.dispose();
  });

  it('records plain JSON at multiples of every, and frees everything on dispose', async () => {
    const s = setup();
    const before = tf.memory().numTensors;
    const monitor = createPlStarMonitor({
      ...s,
      squareLoss: HALF_SUM,
      every: 2,
      hessianIterations: 3,
    });
    const telemetry = { step: 3, gradNorm: 1.5, stepSize: 0.01, regime: 'clipped' as const };
    const r0 = await monitor.observe(0);
    tf.tidy(() => s.model.variables[0]!.assign(tf.mul(s.model.variables[0]!, 1.01)));
    const r4 = await monitor.observe(4, telemetry);
    expect(r0!.step).toBe(0);
    expect(r0!.distanceFromInit).toBe(0);
    expect(r0!.kernel!.relativeChange).toBe(0);
    expect(r0!.kernel!.samples).toBe(8);
    expect(r0!.kernel!.coversAllSamples).toBe(true);
    expect(r0!.muAboveKernelBound).toBe(true);
    expect(r0!.hessian!.iterations).toBeLessThanOrEqual(3);
    expect(r4!.distanceFromInit!).toBeGreaterThan(0);
    expect(r4!.kernel!.relativeChange!).toBeGreaterThan(0);
    expect(r4!.telemetry).toEqual({ gradNorm: 1.5, stepSize: 0.01, regime: 'clipped' });
    for (const r of [r0, r4]) expect(JSON.parse(JSON.stringify(r))).toEqual(r);

    const summary = monitor.summary();
    expect(summary.observations).toBe(2);
    expect(summary.firstStep).toBe(0);
    expect(summary.lastStep).toBe(4);
    expect(summary.mu!.min).toBe(Math.min(r0!.mu!, r4!.mu!));
    expect(summary.maxDistanceFromInit).toBe(r4!.distanceFromInit);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);

    const inputs = monitor.certificateInputs();
    expect(inputs.losses).toEqual([
      { step: 0, loss: r0!.loss },
      { step: 4, loss: r4!.loss },
    ]);
    expect(inputs.muSource).toBe('kernel-full');
    expect(inputs.mu).toBe(Math.min(r0!.kernel!.impliedMu, r4!.kernel!.impliedMu));
    expect(inputs.beta).toBe(Math.max(r0!.hessian!.beta, r4!.hessian!.beta));

    monitor.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const error = await monitor.observe(6).catch((e: unknown) => e);
    expect(MonitorDisposedError.is(error)).toBe(true);
    expect((error as Error).message).toBe(
      'PL* monitor: observe(6) was called after dispose(), which freed w_0. Create a new monitor with createPlStarMonitor() to keep analyzing.',
    );
    s.dispose();
  });

  it('refuses a second observation while one is running', async () => {
    const s = setup();
    const monitor = createPlStarMonitor({
      ...s,
      squareLoss: HALF_SUM,
      every: 1,
      hessianIterations: 0,
    });
    const first = monitor.observe(0);
    await expect(monitor.observe(1)).rejects.toBeInstanceOf(ConcurrentObservationError);
    await first;
    expect(await monitor.observe(1)).not.toBeNull();
    monitor.dispose();
    s.dispose();
  });

  it('checks its options', () => {
    const s = setup();
    expect(() => createPlStarMonitor({ ...s, squareLoss: HALF_SUM, every: 0 })).toThrow(
      'every must be an integer >= 1 (got 0)',
    );
    const y = tf.zeros([8]);
    expect(() => createPlStarMonitor({ ...s, y, squareLoss: HALF_SUM })).toThrow(
      'y must have the shape of model.apply(x) [8,1] for a square loss (got [8]); for index labels pass lossFn without squareLoss',
    );
    expect(() =>
      createPlStarMonitor({ ...s, squareLoss: HALF_SUM, tangentKernelSamples: 9 }),
    ).toThrow('tangentKernelSamples must be <= the number of samples 8 (got 9)');
    y.dispose();
    s.dispose();
  });
});

describe('analyzePlStar', () => {
  it('one-shot analysis at given weights, with an optional reference point', async () => {
    const s = setup();
    const w0 = WeightSnapshot.capture(s.model.variables);
    tf.tidy(() => s.model.variables[1]!.assign(tf.add(s.model.variables[1]!, 0.1)));
    const before = tf.memory().numTensors;
    const record = await analyzePlStar({
      ...s,
      squareLoss: { reduction: 'mean', half: false },
      tangentKernelSamples: [0, 2, 4],
      hessianIterations: 4,
      hvp: { method: 'exact' },
      initialWeights: w0,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(record.step).toBeNull();
    // a moved by 0.1 in each of its 16 entries.
    expect(record.distanceFromInit!).toBeCloseTo(0.4, 5);
    expect(record.kernel!.samples).toBe(3);
    expect(record.kernel!.coversAllSamples).toBe(false);
    expect(record.muAboveKernelBound).toBeNull();
    expect(record.hessian!.method).toBe('exact');
    expect(record.mu).toBeCloseTo(record.gradNormSquared / (2 * record.loss), 6);
    w0.dispose();
    s.dispose();
  });

  it('explains missing gradients', async () => {
    const s = setup();
    const square = tf.getGradient('Square')!;
    tf.unregisterGradient('Square');
    try {
      const error = await analyzePlStar({ ...s, squareLoss: HALF_SUM }).catch((e: unknown) => e);
      expect(GradientsNotRegisteredError.is(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /^No gradients are registered with tfjs-core, so plstar cannot differentiate the loss\. /,
      );
    } finally {
      tf.registerGradient(square);
    }
    s.dispose();
  });
});
