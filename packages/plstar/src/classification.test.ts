/**
 * PL* analysis of a classification run under its own loss (softmax cross-entropy on index labels):
 * mu_t = ||grad L||^2 / 2L holds for any loss, the tangent-kernel bound only for square losses.
 * The reference is a linear softmax model whose gradient X^T (P - Y) / N is written out in plain JS.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { analyzePlStar } from './analyze.js';
import { certify } from './certificate.js';
import { createPlStarMonitor } from './monitor.js';

const N = 6;
const D = 3;
const K = 3;
const X = [
  [0.5, -1, 0.2],
  [1.5, 0.3, -0.7],
  [-0.4, 0.8, 1.1],
  [0.9, 0.9, 0.1],
  [-1.2, -0.3, 0.6],
  [0.1, 1.4, -0.9],
];
const LABELS = [0, 1, 2, 1, 0, 2];
const W0 = [
  [0.3, -0.2, 0.1],
  [-0.5, 0.4, 0.2],
  [0.05, 0.3, -0.6],
];

/** Mean softmax cross-entropy and its gradient for logits X W, in float64. */
function reference(): { loss: number; gradNormSquared: number } {
  let loss = 0;
  const grad = W0.map((row) => row.map(() => 0));
  for (let i = 0; i < N; i++) {
    const z = [0, 1, 2].map((k) => X[i]!.reduce((s, v, d) => s + v * W0[d]![k]!, 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / total);
    loss -= Math.log(p[LABELS[i]!]!) / N;
    for (let d = 0; d < D; d++)
      for (let k = 0; k < K; k++)
        grad[d]![k]! += (X[i]![d]! * (p[k]! - (k === LABELS[i] ? 1 : 0))) / N;
  }
  return { loss, gradNormSquared: grad.flat().reduce((s, g) => s + g * g, 0) };
}

let counter = 0;
function setup() {
  const W = tf.variable(tf.tensor2d(W0), true, `cls_W${counter++}`);
  const x = tf.tensor2d(X);
  const y = tf.tensor1d(LABELS, 'int32');
  const model = { variables: [W], apply: (z: tf.Tensor) => tf.matMul(z as tf.Tensor2D, W) };
  const lossFn = () =>
    tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, K), model.apply(x)) as tf.Scalar);
  return { model, x, y, lossFn, dispose: () => tf.dispose([W, x, y]) };
}

const SKIPPED =
  "tangent-kernel bound skipped: softmax cross-entropy is not a square loss, and lambda_min(K) bounds mu only for square losses (mu_t is measured under the run's own loss)";

describe('classification (no square loss)', () => {
  it('measures mu_t under the run’s own loss and says why the kernel bound is absent', async () => {
    const s = setup();
    const before = tf.memory().numTensors;
    const record = await analyzePlStar({
      ...s,
      lossName: 'softmax cross-entropy',
      hessianIterations: 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    const ref = reference();
    expect(record.loss).toBeCloseTo(ref.loss, 5);
    expect(record.gradNormSquared / ref.gradNormSquared).toBeCloseTo(1, 4);
    expect(record.mu! / (ref.gradNormSquared / (2 * ref.loss))).toBeCloseTo(1, 4);
    expect(record.kernel).toBeNull();
    expect(record.muAboveKernelBound).toBeNull();
    expect(record.kernelSkipped).toBe(SKIPPED);
    expect(record.lossConvention).toBe('softmax cross-entropy');
    expect(record.squareLoss).toBeNull();
    s.dispose();
  });

  it('skips the kernel even when samples are asked for, and feeds the certificate mu_t', async () => {
    const s = setup();
    const monitor = createPlStarMonitor({
      ...s,
      lossName: 'softmax cross-entropy',
      tangentKernelSamples: 4,
      hessianIterations: 2,
      every: 1,
    });
    const r0 = await monitor.observe(0);
    expect(r0!.kernel).toBeNull();
    expect(monitor.summary().kernelSkipped).toBe(SKIPPED);
    expect(monitor.summary().lossConvention).toBe('softmax cross-entropy');
    const inputs = monitor.certificateInputs();
    expect(inputs.muSource).toBe('trajectory');
    expect(inputs.mu).toBe(r0!.mu);
    expect(inputs.lossConvention).toBe('softmax cross-entropy');
    const certificate = certify({
      eta: 0.1,
      gamma: 1,
      delta: 0.1,
      mu: inputs.mu!,
      beta: inputs.beta!,
      losses: inputs.losses,
      steps: [],
      distances: inputs.distances,
      lossConvention: inputs.lossConvention,
    });
    expect(certificate.lossConvention).toBe('softmax cross-entropy');
    monitor.dispose();
    s.dispose();
  });

  it('a square loss still needs y in the shape of the outputs, and some loss must be named', async () => {
    const s = setup();
    await expect(
      analyzePlStar({ ...s, squareLoss: { reduction: 'mean', half: false } }),
    ).rejects.toThrow(
      'y must have the shape of model.apply(x) [6,3] for a square loss (got [6]); for index labels pass lossFn without squareLoss',
    );
    expect(() => createPlStarMonitor({ model: s.model, x: s.x })).toThrow(
      'PL* analysis needs the loss: pass lossFn (any loss, e.g. softmax cross-entropy) or ' +
        "squareLoss (a square-loss convention like { reduction: 'mean', half: false }, with y)",
    );
    expect(() =>
      createPlStarMonitor({ model: s.model, x: s.x, squareLoss: { reduction: 'sum', half: true } }),
    ).toThrow('y is needed for the default square loss: pass the targets, or lossFn');
    s.dispose();
  });

  it('names the square-loss convention by default', async () => {
    const s = setup();
    const y = tf.oneHot(s.y, K);
    const record = await analyzePlStar({
      model: s.model,
      x: s.x,
      y,
      squareLoss: { reduction: 'sum', half: true },
      hessianIterations: 0,
    });
    expect(record.lossConvention).toBe('half-sum: 0.5 * sum of squared errors');
    expect(record.squareLoss).toBe('half-sum');
    expect(record.kernelSkipped).toBeNull();
    expect(record.kernel!.size).toBe(N * K);
    y.dispose();
    s.dispose();
  });
});
