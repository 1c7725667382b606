import { MEAN } from '@deltaclip/utils';
import * as tfl from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { analyzePlStar } from './analyze.js';
import { fromLayersModel } from './layers-model.js';

const X = [
  [0.5, -1.0],
  [1.5, 0.25],
  [-0.75, 0.5],
];
const Y = [
  [1, -0.5],
  [0.25, 2],
  [-1, 0.5],
];
const W = [
  [0.3, -0.2],
  [0.1, 0.4],
];
const B = [0.05, -0.1];

function linearModel(loss: string, regularizer?: number) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 2,
        inputShape: [2],
        weights: [tf.tensor2d(W), tf.tensor1d(B)],
        ...(regularizer === undefined
          ? {}
          : { kernelRegularizer: tfl.regularizers.l2({ l2: regularizer }) }),
      }),
    ],
  });
  model.compile({ optimizer: tfl.train.sgd(0.1), loss });
  return model;
}

/** mean squared error of the linear model x W + b, its gradient and mu, in float64. */
function reference(l2 = 0) {
  const n = X.length;
  const k = 2;
  const r = X.map((x, i) =>
    [0, 1].map((j) => x[0]! * W[0]![j]! + x[1]! * W[1]![j]! + B[j]! - Y[i]![j]!),
  );
  const entries = n * k;
  let loss = 0;
  for (const row of r) for (const v of row) loss += (v * v) / entries;
  const gW = [0, 1].map((a) =>
    [0, 1].map(
      (j) => X.reduce((s, x, i) => s + (2 / entries) * x[a]! * r[i]![j]!, 0) + 2 * l2 * W[a]![j]!,
    ),
  );
  const gB = [0, 1].map((j) => r.reduce((s, row) => s + (2 / entries) * row[j]!, 0));
  for (const row of W) for (const w of row) loss += l2 * w * w;
  let g2 = 0;
  for (const row of gW) for (const v of row) g2 += v * v;
  for (const v of gB) g2 += v * v;
  return { loss, gradNormSquared: g2, mu: g2 / (2 * loss) };
}

function close(actual: number, expected: number, rel = 1e-5) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('fromLayersModel', () => {
  it("measures model.fit's mean squared error: loss, mu and the tangent kernel against float64", async () => {
    const model = linearModel('meanSquaredError');
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    const inputs = fromLayersModel(model, { x, y });
    expect(inputs.squareLoss).toEqual(MEAN);
    expect(inputs.lossName).toBe('meanSquaredError = mean: mean of squared errors');
    const record = await analyzePlStar({
      ...inputs,
      tangentKernelSamples: 'all',
      hessianIterations: 0,
    });
    const ref = reference();
    close(record.loss, ref.loss);
    close(record.gradNormSquared, ref.gradNormSquared);
    close(record.mu!, ref.mu);
    // tfjs's own evaluation of the same loss.
    const evaluated = model.evaluate(x, y, { batchSize: X.length }) as tf.Scalar;
    close(record.loss, (await evaluated.data())[0]!);
    // Linear model: K_{(i,j),(i',j')} = delta_jj' (x_i . x_i' + 1), so its spectrum is that of
    // G = X X^T + 1 1^T (3 samples, 2 features and a bias: positive definite), each eigenvalue k times; implied mu = 2 lambda_min / (n k) for the mean.
    const G = new Matrix(X.map((a) => X.map((b) => a[0]! * b[0]! + a[1]! * b[1]! + 1)));
    const lambdaMin = Math.min(...new EigenvalueDecomposition(G).realEigenvalues);
    close(record.kernel!.lambdaMin, lambdaMin, 1e-4);
    close(record.kernel!.impliedMu, (2 * lambdaMin) / (X.length * 2), 1e-4);
    expect(record.kernel!.coversAllSamples).toBe(true);
    expect(record.muAboveKernelBound).toBe(true);
    tf.dispose([x, y, evaluated]);
    model.dispose();
  });

  it('adds the regularization penalties model.fit adds, and then no square-loss kernel bound', async () => {
    const model = linearModel('meanSquaredError', 0.01);
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    const inputs = fromLayersModel(model, { x, y });
    expect(inputs.squareLoss).toBeUndefined();
    const record = await analyzePlStar({ ...inputs, hessianIterations: 0 });
    const ref = reference(0.01);
    close(record.loss, ref.loss);
    close(record.mu!, ref.mu);
    expect(record.kernel).toBeNull();
    expect(record.lossConvention).toBe(
      "meanSquaredError, mean over samples + regularization penalties (model.fit's loss)",
    );
    expect(record.kernelSkipped).toContain('is not a square loss');
    tf.dispose([x, y]);
    model.dispose();
  });

  it('takes a classification loss and says why the kernel is skipped', async () => {
    const model = linearModel('categoricalCrossentropy');
    const x = tf.tensor2d(X);
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    const record = await analyzePlStar({
      ...fromLayersModel(model, { x, y }),
      hessianIterations: 0,
    });
    const evaluated = model.evaluate(x, y, { batchSize: 3 }) as tf.Scalar;
    close(record.loss, (await evaluated.data())[0]!);
    expect(record.kernelSkipped).toBe(
      "tangent-kernel bound skipped: categoricalCrossentropy, mean over samples (model.fit's loss) is not a square loss, and lambda_min(K) bounds mu only for square losses (mu_t is measured under the run's own loss)",
    );
    tf.dispose([x, y, evaluated]);
    model.dispose();
  });

  it('refuses a model without a loss, naming the fix', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
    const x = tf.zeros([2, 2]);
    expect(() => fromLayersModel(model, { x, y: x })).toThrow(
      "the model has no loss: compile it (model.compile({ optimizer, loss: 'meanSquaredError' })) or pass loss",
    );
    expect(() => fromLayersModel({} as never, { x, y: x })).toThrow(
      'fromLayersModel needs a tf.LayersModel (an object with apply and trainableWeights)',
    );
    x.dispose();
    model.dispose();
  });
});
