import { Dataset } from '@deltaclip/datasets';
import { createModel, type Model } from '@deltaclip/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/loop.js';
import { createObjective } from '../src/objectives.js';

// Everything "expected" below is computed in float64 in plain JS from inputs and weights the test
// chooses (or reads back), never from the implementation's output.

const read = (t: tf.Tensor) => Number(t.dataSync()[0]);

/** x [n, in] @ W [in, out] (row-major) + b, in float64. */
function dense(x: number[][], w: ArrayLike<number>, b: ArrayLike<number>, out: number): number[][] {
  return x.map((row) =>
    Array.from({ length: out }, (_, j) => row.reduce((s, v, i) => s + v * w[i * out + j]!, b[j]!)),
  );
}

function logSumExp(z: readonly number[]): number {
  const m = Math.max(...z);
  return m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
}

type Weights = Map<string, { name: string; shape: readonly number[]; values: Float32Array }>;

function weightsOf(model: Model): Weights {
  return new Map(
    model.getWeights().map((w) => [w.name, { ...w, values: Float32Array.from(w.values) }]),
  );
}

describe('softmax cross-entropy objective', () => {
  // A linear classifier 2 -> 3 with chosen weights. By hand, the logits' arg-maxes are 2, 0, 0, 2,
  // 2: samples 1 and 2 are right, 3 to 5 wrong; sample 3's logits (65.1, -32.7, 57.8) are large.
  const kernel = [0.5, -1, 2, 1.5, 0.25, -0.75];
  const bias = [0.1, -0.2, 0.3];
  const x = [
    [1, 0.5],
    [-1, 2],
    [40, 30],
    [0.2, -0.3],
    [3, -1],
  ];
  const labels = [2, 0, 2, 1, 1];
  const data = new Dataset({
    x: Float32Array.from(x.flat()),
    featureShape: [2],
    y: Int32Array.from(labels),
    targetShape: [],
    numClasses: 3,
    metadata: { name: 'tiny-classes' },
  } as never);
  const model = createModel({ kind: 'mlp', inputSize: 2, hidden: [], outputSize: 3, seed: 0 });
  model.setWeights([
    { name: 'dense0/kernel', shape: [2, 3], values: kernel },
    { name: 'dense0/bias', shape: [3], values: bias },
  ]);
  // Float32 weights as the model holds them, so the reference sees the same numbers.
  const w32 = Float32Array.from(kernel);
  const b32 = Float32Array.from(bias);
  const logits = dense(x, w32, b32, 3);
  const perSample = logits.map((z, n) => logSumExp(z) - z[labels[n]!]!);
  const lossSum = perSample.reduce((a, b) => a + b, 0);
  const correct = logits.filter((z, n) => z.indexOf(Math.max(...z)) === labels[n]).length;

  it('the float64 reference agrees with the hand computation', () => {
    expect(correct).toBe(2);
    expect(logits[2]![0]).toBeCloseTo(65.1, 5);
    expect(perSample[2]).toBeCloseTo(7.3 + Math.log1p(Math.exp(-7.3) + Math.exp(-97.8)), 6);
  });

  it('metric sums are the summed loss and the number correct, for index and one-hot labels', () => {
    const objective = createObjective({ kind: 'cross-entropy' });
    for (const encoding of ['index', 'oneHot'] as const) {
      const batch = data.toTensors({ labels: encoding });
      const sums = objective.metricSums(model, batch);
      expect(Object.keys(sums).sort()).toEqual(['accuracy', 'loss']);
      expect(read(sums.loss!)).toBeCloseTo(lossSum, 4);
      expect(read(sums.accuracy!)).toBeCloseTo(correct, 5);
      tf.dispose([batch, sums]);
    }
  });

  it('the training loss is the mean over the batch', () => {
    const objective = createObjective({ kind: 'cross-entropy' });
    const batch = data.toTensors({ labels: 'index' });
    const loss = objective.loss(model, batch, 0);
    expect(read(loss)).toBeCloseTo(lossSum / x.length, 5);
    tf.dispose([batch, loss]);
  });

  it('evaluation over uneven batches averages per sample', async () => {
    const metrics = await evaluate(model, createObjective({ kind: 'cross-entropy' }), data, {
      batchSize: 2,
      labels: 'index',
    });
    expect(metrics.loss).toBeCloseTo(lossSum / x.length, 5);
    expect(metrics.accuracy).toBeCloseTo(correct / x.length, 6);
  });
});

describe('square objective on uneven batches', () => {
  it('evaluation gives the mean-reduced objective per sample whatever the batch split', async () => {
    // 5 samples, 2 outputs, batches of 2 + 2 + 1: a per-batch mean of means would differ.
    const x = [0.5, -1, 2, 3, -0.25];
    const y = [1, 0, -2, 1, 0.5, 0.5, 4, -1, 0, 2];
    const data = new Dataset({
      x: Float32Array.from(x),
      featureShape: [1],
      y: Float32Array.from(y),
      targetShape: [2],
      metadata: { name: 'tiny-regression' },
    } as never);
    const model = createModel({ kind: 'mlp', inputSize: 1, hidden: [], outputSize: 2, seed: 0 });
    model.setWeights([
      { name: 'dense0/kernel', shape: [1, 2], values: [1.5, -0.5] },
      { name: 'dense0/bias', shape: [2], values: [0.25, 1] },
    ]);
    const pred = dense(
      x.map((v) => [v]),
      [1.5, -0.5],
      [0.25, 1],
      2,
    );
    const sq = pred.flat().reduce((s, p, i) => s + (p - y[i]!) ** 2, 0);
    const m = x.length * 2;
    for (const [half, reduction] of [
      [true, 'mean'],
      [false, 'sum'],
    ] as const) {
      const metrics = await evaluate(
        model,
        createObjective({ kind: 'square', reduction, half }),
        data,
        { batchSize: 2 },
      );
      // The per-sample loss averages to the mean-reduced objective in the convention's c.
      expect(metrics.loss).toBeCloseTo(
        ((half ? 0.5 : 1) * sq) / (reduction === 'mean' ? m : x.length),
        5,
      );
      expect(metrics.mse).toBeCloseTo(sq / m, 5);
    }
    model.dispose();
  });
});

describe('VAE objective: summed squared error + KL over the batch', () => {
  // A tiny VAE 4 -> [3] -> latent 2 -> [3] -> 4 (LeakyReLU 0.2, sigmoid output).
  const config = { kind: 'vae', inputSize: 4, hidden: [3], latent: 2, seed: 5 } as const;
  const pixels = [
    [0.1, 0.9, 0.4, 0.0],
    [0.7, 0.2, 1.0, 0.5],
    [0.3, 0.3, 0.6, 0.8],
  ];
  const n = pixels.length;
  const leaky = (v: number) => (v > 0 ? v : 0.2 * v);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

  /** Float64 forward pass of the weights read back: posterior mean/logVar and decode(z). */
  function reference(w: Weights) {
    const v = (name: string) => w.get(name)!.values;
    const h = dense(pixels, v('encoder/dense0/kernel'), v('encoder/dense0/bias'), 3).map((r) =>
      r.map(leaky),
    );
    const mean = dense(h, v('encoder/mean/kernel'), v('encoder/mean/bias'), 2);
    const logVar = dense(h, v('encoder/logVar/kernel'), v('encoder/logVar/bias'), 2);
    const decode = (z: number[][]) =>
      dense(
        dense(z, v('decoder/dense0/kernel'), v('decoder/dense0/bias'), 3).map((r) => r.map(leaky)),
        v('decoder/output/kernel'),
        v('decoder/output/bias'),
        4,
      ).map((r) => r.map(sigmoid));
    const kl =
      -0.5 *
      mean.reduce(
        (s, row, i) =>
          s +
          row.reduce((t, mu, j) => t + 1 + logVar[i]![j]! - mu * mu - Math.exp(logVar[i]![j]!), 0),
        0,
      );
    const squaredError = (xHat: number[][]) =>
      xHat.reduce((s, row, i) => s + row.reduce((t, p, j) => t + (p - pixels[i]![j]!) ** 2, 0), 0);
    return { mean, logVar, decode, kl, squaredError };
  }

  function dataset(featureShape: number[]): Dataset {
    return new Dataset({
      x: Float32Array.from(pixels.flat()),
      featureShape,
      y: Int32Array.of(0, 1, 0),
      targetShape: [],
      numClasses: 2,
      metadata: { name: 'tiny-images' },
    } as never);
  }

  it('with the decoder blind to z, every term matches float64 for any noise', () => {
    // decoder/dense0/kernel = 0: decode(z) no longer depends on the sampled z, so the loss is
    // deterministic while the encoder (mean, logVar, hence KL) keeps general weights.
    const model = createModel(config);
    const w = weightsOf(model);
    w.get('decoder/dense0/kernel')!.values = new Float32Array(6);
    w.get('encoder/logVar/bias')!.values = Float32Array.of(0.4, -0.3);
    model.setWeights([...w.values()]);
    const ref = reference(w);
    const recon = ref.squaredError(ref.decode(ref.mean));
    expect(ref.kl).toBeGreaterThan(0.05);

    const objective = createObjective({ kind: 'vae' }, { seed: 3 });
    for (const shape of [[4], [2, 2, 1]]) {
      const batch = dataset(shape).toTensors({ labels: 'index' });
      const sums = objective.metricSums(model, batch);
      expect(read(sums.kl!)).toBeCloseTo(ref.kl, 4);
      expect(read(sums.reconstruction!)).toBeCloseTo(recon, 4);
      expect(read(sums.loss!)).toBeCloseTo(recon + ref.kl, 4);
      // mse: squared error of the deterministic reconstruction per pixel, summed over samples.
      expect(read(sums.mse!)).toBeCloseTo(recon / 4, 5);
      for (const step of [0, 7]) {
        const loss = objective.loss(model, batch, step);
        expect(read(loss)).toBeCloseTo(recon + ref.kl, 4);
        loss.dispose();
      }
      tf.dispose([batch, sums]);
    }
    model.dispose();
  });

  it('with the posterior collapsed to its mean, the summed reconstruction of decode(mean) matches', () => {
    // logVar = -40 everywhere: the sampled z equals the mean to ~1e-9, so the summed squared error
    // goes through the whole decoder deterministically; KL = 1/2 sum (39 + mean^2 + e^-40).
    const model = createModel(config);
    const w = weightsOf(model);
    w.get('encoder/logVar/kernel')!.values = new Float32Array(6);
    w.get('encoder/logVar/bias')!.values = Float32Array.of(-40, -40);
    model.setWeights([...w.values()]);
    const ref = reference(w);
    const recon = ref.squaredError(ref.decode(ref.mean));
    const objective = createObjective({ kind: 'vae' });
    const batch = dataset([4]).toTensors({ labels: 'index' });
    const sums = objective.metricSums(model, batch);
    expect(read(sums.reconstruction!)).toBeCloseTo(recon, 4);
    expect(read(sums.kl!)).toBeCloseTo(ref.kl, 3);
    expect(read(sums.mse!)).toBeCloseTo(recon / 4, 5);
    const loss = objective.loss(model, batch, 2);
    // Summed, not averaged, over the n samples.
    expect(read(loss)).toBeCloseTo(recon + ref.kl, 3);
    expect(read(loss)).toBeGreaterThan((recon + ref.kl) / n + 1);
    tf.dispose([batch, sums, loss]);
    model.dispose();
  });

  it('the training noise depends on the run seed and the step, and replays exactly', () => {
    const model = createModel(config);
    const batch = dataset([4]).toTensors({ labels: 'index' });
    const value = (seed: number, step: number) => {
      const loss = createObjective({ kind: 'vae' }, { seed }).loss(model, batch, step);
      const v = read(loss);
      loss.dispose();
      return v;
    };
    const ref = reference(weightsOf(model));
    const a = value(1, 4);
    expect(value(1, 4)).toBe(a);
    expect(value(1, 5)).not.toBe(a);
    expect(value(2, 4)).not.toBe(a);
    // Whatever the noise, the loss is KL plus a squared error of pixels in (0, 1): a >= KL.
    expect(a).toBeGreaterThanOrEqual(ref.kl - 1e-4);
    expect(a).toBeLessThan(ref.kl + n * 4);
    tf.dispose(batch);
    model.dispose();
  });

  it('refuses a model that is not a VAE, naming it', () => {
    const mlp = createModel({ kind: 'mlp', inputSize: 4, hidden: [], outputSize: 4, seed: 0 });
    const batch = dataset([4]).toTensors({ labels: 'index' });
    const objective = createObjective({ kind: 'vae' });
    expect(() => objective.loss(mlp, batch, 0)).toThrow(
      new RangeError("loss 'vae' needs a VAE model (got 'mlp')"),
    );
    expect(() => objective.metricSums(mlp, batch)).toThrow(
      new RangeError("loss 'vae' needs a VAE model (got 'mlp')"),
    );
    tf.dispose(batch);
    mlp.dispose();
  });
});

describe('createObjective input checks', () => {
  it('names the bad kind and reduction', () => {
    expect(() => createObjective({ kind: 'hinge' } as never)).toThrow(
      "loss.kind must be one of 'square', 'cross-entropy', 'vae' (got \"hinge\")",
    );
    expect(() => createObjective({ kind: 'square', reduction: 'avg' } as never)).toThrow(
      "loss.reduction must be one of 'mean', 'sum' (got \"avg\")",
    );
  });
});
