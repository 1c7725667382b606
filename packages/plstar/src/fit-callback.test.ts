import { deltaGClip } from '@deltaclip/core';
import { countBackendReads, type ReadCounts } from '@deltaclip/core/testing';
import { MEAN } from '@deltaclip/utils';
import * as tfl from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { analyzePlStar } from './analyze.js';
import { plStarCallback } from './fit-callback.js';

const N = 12;

function data() {
  const x = tf.tidy(() => tf.randomUniform([N, 3], -1, 1, 'float32', 7));
  const y = tf.tidy(() => tf.sin(tf.sum(tf.mul(x, tf.tensor1d([1.5, -1, 0.5])), 1, true)));
  return { x, y };
}

function mlp(optimizer: tf.Optimizer) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 16,
        activation: 'relu',
        inputShape: [3],
        kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }),
      }),
      tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  return model;
}

/** The same network written with tf ops over the weight tensors: no tfjs-layers in the path. */
function direct(vars: tf.Variable[]) {
  const [w1, b1, w2, b2] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  return {
    variables: vars,
    apply: (x: tf.Tensor) =>
      tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1), b1)), w2), b2),
  };
}

function relClose(
  actual: number | null | undefined,
  expected: number | null | undefined,
  rel = 1e-5,
) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected!)).toBeLessThanOrEqual(rel * Math.abs(expected!));
}

describe('plStarCallback', () => {
  it('records the mu_t, kernel and distance of a direct analysis of the same weights, and certifies the run', async () => {
    const { x, y } = data();
    const optimizer = deltaGClip({
      learningRate: 0.2,
      gamma: 0.5,
      delta: 0.1,
      telemetry: { history: true },
    });
    const model = mlp(optimizer);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const snapshots: tf.Tensor[][] = [];
    const probe = {
      onBatchBegin: async () => {
        snapshots.push(vars.map((v) => tf.clone(v)));
      },
      onTrainEnd: async () => {
        snapshots.push(vars.map((v) => tf.clone(v)));
      },
    };
    const pl = plStarCallback(model, {
      x,
      y,
      every: 4,
      tangentKernelSamples: 'all',
      hessianIterations: 5,
    });
    await model.fit(x, y, { batchSize: N, epochs: 12, shuffle: false, callbacks: [probe, pl] });
    const result = await pl.result();
    expect(result.steps).toBe(12);
    expect(result.fullBatch).toBe(true);
    expect(result.records.map((r) => r.step)).toEqual([0, 4, 8, 12]);
    expect(result.telemetry?.map((t) => t.step)).toEqual([...Array(12).keys()]);

    const trained = vars.map((v) => tf.clone(v));
    const reference = direct(vars);
    for (const record of result.records) {
      const s = record.step!;
      for (const [i, v] of vars.entries()) v.assign(snapshots[s]![i]!);
      const lossFn = () => tf.mean(tf.square(tf.sub(reference.apply(x), y))) as tf.Scalar;
      const expected = await analyzePlStar({
        model: reference,
        x,
        y,
        lossFn,
        squareLoss: MEAN,
        tangentKernelSamples: 'all',
        hessianIterations: 0,
      });
      relClose(record.loss, expected.loss);
      relClose(record.mu, expected.mu);
      relClose(record.kernel?.lambdaMin, expected.kernel?.lambdaMin, 1e-4);
      // ||w_s - w_0|| from the snapshots, in float64.
      let squared = 0;
      for (let i = 0; i < vars.length; i++) {
        const a = snapshots[s]![i]!.dataSync();
        const b = snapshots[0]![i]!.dataSync();
        for (let j = 0; j < a.length; j++) squared += (a[j]! - b[j]!) ** 2;
      }
      if (s === 0) expect(record.distanceFromInit).toBe(0);
      else relClose(record.distanceFromInit, Math.sqrt(squared), 1e-4);
      // The telemetry of the step that led to w_s.
      if (s === 0) expect(record.telemetry).toBeNull();
      else
        expect(record.telemetry).toEqual({
          gradNorm: result.telemetry![s - 1]!.gradNorm,
          stepSize: result.telemetry![s - 1]!.stepSize,
          regime: result.telemetry![s - 1]!.regime,
        });
    }
    for (const [i, v] of vars.entries()) v.assign(trained[i]!);

    expect(result.certificateSkipped).toBeNull();
    const certificate = result.certificate!;
    expect('verdict' in certificate).toBe(true);
    if ('verdict' in certificate) {
      expect(certificate.method).toBe('delta-gclip');
      expect(certificate.muSource).toBe('kernel-full');
    }
    tf.dispose([x, y, ...snapshots.flat(), ...trained]);
    pl.dispose();
    model.dispose();
  });

  it('reads nothing from the device on the steps it does not record', async () => {
    const { x, y } = data();
    const optimizer = deltaGClip({ learningRate: 0.1, gamma: 0.5, delta: 0.1 });
    const model = mlp(optimizer);
    const windows: ReadCounts[] = [];
    let pending: { release: () => void; counts: Promise<ReadCounts> } | null = null;
    const closeWindow = async () => {
      if (pending === null) return;
      pending.release();
      windows.push(await pending.counts);
      pending = null;
    };
    // One counting window per batch: from this batch's begin to the next one's (or train end).
    const probe = {
      onBatchBegin: async () => {
        await closeWindow();
        let release = () => {};
        const gate = new Promise<void>((r) => {
          release = r;
        });
        pending = { release, counts: countBackendReads(() => gate) };
      },
      onTrainEnd: closeWindow,
    };
    const pl = plStarCallback(model, {
      x,
      y,
      every: 4,
      tangentKernelSamples: 4,
      hessianIterations: 2,
    });
    // Mini-batches of 1: 12 steps in one epoch, analyzed at steps 0, 4, 8 (and 12 at the end).
    await model.fit(x, y, { batchSize: 1, epochs: 1, shuffle: false, callbacks: [probe, pl] });
    expect(windows).toHaveLength(12);
    windows.forEach((w, step) => {
      if (step % 4 === 0) expect(w.sync + w.async).toBeGreaterThan(0);
      else expect(w).toEqual({ sync: 0, async: 0 });
    });
    const result = await pl.result();
    expect(result.records.map((r) => r.step)).toEqual([0, 4, 8, 12]);
    expect(result.fullBatch).toBe(false);
    // Mini-batch steps are outside the argument; no history kept, so no per-step telemetry either.
    expect(result.telemetry).toBeNull();
    expect(result.certificate).toBeNull();
    expect(result.certificateSkipped).toBe(
      "no certificate: δ-GClip's certificate needs every step's h_t; create the optimizer with telemetry: { history: true }",
    );
    tf.dispose([x, y]);
    model.dispose();
  });

  it('says why a mini-batch run is not certified', async () => {
    const { x, y } = data();
    const model = mlp(tfl.train.sgd(0.05));
    const pl = plStarCallback(model, { x, y, every: 3, hessianIterations: 2 });
    await model.fit(x, y, { batchSize: 6, epochs: 3, shuffle: false, callbacks: [pl] });
    const result = await pl.result();
    expect(result.steps).toBe(6);
    expect(result.certificate).toEqual({
      covered: false,
      optimizer: 'SGD',
      explanation:
        'SGD: no certificate, because the argument is about full-batch steps on L and this run used mini-batches (their gradients are noisy estimates of grad L)',
    });
    tf.dispose([x, y]);
    model.dispose();
  });
});
