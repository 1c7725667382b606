import { Dataset } from '@deltaclip/datasets';
import type { ModelConfig } from '@deltaclip/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fullBatch } from '../src/full-batch.js';
import type { LossSpec } from '../src/objectives.js';
import { buildTask, type DatasetLoader } from '../src/task.js';

// Reference: the loss c * sum (f(x) - y)^2 and its gradient by hand-written float64 backprop, with
// c = (half ? 1/2 : 1) * (mean ? 1/(n m) : 1) over n samples and m outputs (paper-notes section 1).

const n = 5;
const features = 3;
const outputs = 2;
const x = [
  [0.5, -1, 2],
  [1, 0.25, -0.5],
  [-2, 1.5, 0],
  [0.3, 0.3, 0.3],
  [1.2, -0.7, 0.9],
];
const y = [
  [1, -1],
  [0.5, 2],
  [-1, 0],
  [0, 0.25],
  [2, -0.5],
];

/**
 * Training split as given; a test split of huge targets that must not enter the full-batch loss.
 */
const loader: DatasetLoader = async () => {
  const make = (xs: number[][], ys: number[][]) =>
    new Dataset({
      x: Float32Array.from(xs.flat()),
      featureShape: [features],
      y: Float32Array.from(ys.flat()),
      targetShape: [outputs],
      metadata: { name: 'tiny-regression' },
    } as never);
  return {
    train: make(x, y),
    test: make(
      x.slice(0, 2),
      y.slice(0, 2).map((r) => r.map((v) => v + 1e4)),
    ),
  };
};

const f32 = (a: readonly number[]) => Array.from(Float32Array.from(a));

function matmul(a: number[][], w: readonly number[], cols: number, b: readonly number[]) {
  return a.map((row) =>
    Array.from({ length: cols }, (_, j) =>
      row.reduce((s, v, i) => s + v * w[i * cols + j]!, b[j]!),
    ),
  );
}

/** a^T g as a row-major [a cols, g cols] array. */
function outer(a: number[][], g: number[][]): number[] {
  const rows = a[0]!.length;
  const cols = g[0]!.length;
  const out = new Array<number>(rows * cols).fill(0);
  a.forEach((ar, k) => {
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) out[i * cols + j]! += ar[i]! * g[k]![j]!;
  });
  return out;
}

const columnSums = (g: number[][]) => g[0]!.map((_, j) => g.reduce((s, r) => s + r[j]!, 0));

function scaleOf(loss: Extract<LossSpec, { kind: 'square' }>): number {
  return (loss.half ? 0.5 : 1) * ((loss.reduction ?? 'mean') === 'mean' ? 1 / (n * outputs) : 1);
}

async function measure(model: ModelConfig, weights: Record<string, number[]>, loss: LossSpec) {
  const task = await buildTask(
    { dataset: { name: 'tiny' }, model, loss },
    { loader, prefix: 'fullbatch' },
  );
  task.model.setWeights(
    task.model
      .getWeights()
      .map((w) => ({ name: w.name, shape: w.shape, values: weights[w.name]! })),
  );
  const data = fullBatch(task, loss);
  const { value, grads } = tf.variableGrads(data.lossFn, task.model.variables as tf.Variable[]);
  const byName: Record<string, number[]> = {};
  for (const v of task.model.variables) {
    const relative = v.name.slice(v.name.indexOf('dense'));
    byName[relative] = Array.from(grads[v.name]!.dataSync());
  }
  const result = {
    value: value.dataSync()[0]!,
    grads: byName,
    convention: data.convention,
    shapes: { x: data.x.shape, y: data.y.shape },
  };
  tf.dispose([value, ...Object.values(grads)]);
  data.dispose();
  task.model.dispose();
  return result;
}

function expectClose(actual: readonly number[], expected: readonly number[], digits = 4) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    expect(a).toBeCloseTo(expected[i]!, digits);
  });
}

describe('fullBatch: a linear model', () => {
  const weights = {
    'dense0/kernel': f32([0.4, -0.2, 1.1, 0.3, -0.6, 0.8]),
    'dense0/bias': f32([0.05, -0.15]),
  };
  const model: ModelConfig = {
    kind: 'mlp',
    inputSize: features,
    hidden: [],
    outputSize: outputs,
    seed: 0,
  };
  const residual = matmul(x, weights['dense0/kernel'], outputs, weights['dense0/bias']).map(
    (row, i) => row.map((p, j) => p - y[i]![j]!),
  );
  const squared = residual.flat().reduce((s, r) => s + r * r, 0);

  for (const loss of [
    { kind: 'square', reduction: 'mean', half: true },
    { kind: 'square', reduction: 'mean', half: false },
    { kind: 'square', reduction: 'sum', half: true },
    { kind: 'square', reduction: 'sum', half: false },
  ] as const) {
    it(`${loss.half ? 'half-' : ''}${loss.reduction}: L and grad L on the training set only`, async () => {
      const c = scaleOf(loss);
      const got = await measure(model, weights, loss);
      expect(got.shapes).toEqual({ x: [n, features], y: [n, outputs] });
      expect(got.convention).toEqual({ reduction: loss.reduction, half: loss.half });
      expect(got.value).toBeCloseTo(c * squared, 5);
      const g = residual.map((r) => r.map((v) => 2 * c * v));
      expectClose(got.grads['dense0/kernel']!, outer(x, g));
      expectClose(got.grads['dense0/bias']!, columnSums(g));
    });
  }

  it('a square loss without reduction or half is the mean squared error', async () => {
    const got = await measure(model, weights, { kind: 'square' });
    expect(got.convention).toEqual({ reduction: 'mean', half: false });
    expect(got.value).toBeCloseTo(squared / (n * outputs), 5);
  });
});

describe('fullBatch: a one-hidden-layer tanh MLP', () => {
  const weights = {
    'dense0/kernel': f32([0.7, -0.3, 0.2, 0.5, 0.9, -1.1, -0.4, 0.6, 0.35, 0.8, -0.25, 0.1]),
    'dense0/bias': f32([0.1, -0.2, 0.05, 0.3]),
    'dense1/kernel': f32([1.2, -0.5, 0.4, 0.9, -0.7, 0.3, 0.6, -1.0]),
    'dense1/bias': f32([-0.1, 0.2]),
  };
  const model: ModelConfig = {
    kind: 'mlp',
    inputSize: features,
    hidden: [4],
    outputSize: outputs,
    activation: 'tanh',
    seed: 0,
  };
  const h = matmul(x, weights['dense0/kernel'], 4, weights['dense0/bias']).map((r) =>
    r.map(Math.tanh),
  );
  const residual = matmul(h, weights['dense1/kernel'], outputs, weights['dense1/bias']).map(
    (row, i) => row.map((p, j) => p - y[i]![j]!),
  );
  const squared = residual.flat().reduce((s, r) => s + r * r, 0);

  for (const loss of [
    { kind: 'square', reduction: 'mean', half: true },
    { kind: 'square', reduction: 'sum', half: false },
  ] as const) {
    it(`${loss.half ? 'half-' : ''}${loss.reduction}: L and grad L by backprop`, async () => {
      const c = scaleOf(loss);
      const got = await measure(model, weights, loss);
      expect(got.value).toBeCloseTo(c * squared, 5);
      const gOut = residual.map((r) => r.map((v) => 2 * c * v));
      const w2 = weights['dense1/kernel'];
      const gPre = gOut.map((go, k) =>
        h[k]!.map(
          (hv, i) => go.reduce((s, gj, j) => s + gj * w2[i * outputs + j]!, 0) * (1 - hv * hv),
        ),
      );
      expectClose(got.grads['dense1/kernel']!, outer(h, gOut));
      expectClose(got.grads['dense1/bias']!, columnSums(gOut));
      expectClose(got.grads['dense0/kernel']!, outer(x, gPre));
      expectClose(got.grads['dense0/bias']!, columnSums(gPre));
    });
  }
});

describe('fullBatch: cross-entropy', () => {
  it('is the mean over the training samples, with no square-loss convention', async () => {
    const labels = [0, 2, 1, 2];
    const xs = [
      [1, 0],
      [0, 1],
      [1, 1],
      [-1, 2],
    ];
    const classLoader: DatasetLoader = async () => ({
      train: new Dataset({
        x: Float32Array.from(xs.flat()),
        featureShape: [2],
        y: Int32Array.from(labels),
        targetShape: [],
        numClasses: 3,
        metadata: { name: 'tiny-classes' },
      } as never),
    });
    const loss: LossSpec = { kind: 'cross-entropy' };
    const task = await buildTask(
      {
        dataset: { name: 'tiny' },
        model: { kind: 'mlp', inputSize: 2, hidden: [], outputSize: 3, seed: 0 },
        loss,
      },
      { loader: classLoader, prefix: 'fullbatch_ce' },
    );
    const kernel = f32([0.5, -0.5, 1, 0.25, 0.75, -1]);
    const bias = f32([0, 0.1, -0.1]);
    task.model.setWeights([
      { name: 'dense0/kernel', shape: [2, 3], values: kernel },
      { name: 'dense0/bias', shape: [3], values: bias },
    ]);
    const data = fullBatch(task, loss);
    expect(data.convention).toBeNull();
    const logits = matmul(xs, kernel, 3, bias);
    const expected =
      logits.reduce(
        (s, z, k) => s + Math.log(z.reduce((t, v) => t + Math.exp(v), 0)) - z[labels[k]!]!,
        0,
      ) / xs.length;
    const value = data.lossFn();
    expect(value.dataSync()[0]!).toBeCloseTo(expected, 5);
    value.dispose();
    data.dispose();
    task.model.dispose();
  });
});
