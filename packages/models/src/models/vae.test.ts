import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectGradientsForEveryVariable,
  expectNoLeak,
  testData,
  train,
  weightMap,
} from '../../test/helpers.js';
import { type Matrix, map, matMul, maxRelativeError, toMatrix } from '../../test/reference.js';
import { seededNormal } from '../random.js';
import { createVae, type VaeConfig, type VaeModel } from './vae.js';

const small: VaeConfig = { kind: 'vae', inputSize: 6, hidden: [4, 3], latent: 2, seed: 3 };

/** The paper's loss (summed MSE + KL) in float64 from the model's weights and the given noise. */
function referenceLoss(model: VaeModel, x: number[][], epsilon: number[][]) {
  const w = weightMap(model);
  const dense = (name: string, h: Matrix): Matrix => {
    const k = w.get(`${name}/kernel`)!;
    const b = w.get(`${name}/bias`)!.values;
    return map(matMul(h, toMatrix(k.values, k.shape[0]!, k.shape[1]!)), (v, _r, c) => v + b[c]!);
  };
  const leaky = (h: Matrix) => map(h, (v) => (v >= 0 ? v : 0.2 * v));
  const h = leaky(dense('encoder/dense1', leaky(dense('encoder/dense0', x))));
  const mean = dense('encoder/mean', h);
  const logVar = dense('encoder/logVar', h);
  const z = map(mean, (m, r, c) => m + Math.exp(0.5 * logVar[r]![c]!) * epsilon[r]![c]!);
  const d = leaky(dense('decoder/dense1', leaky(dense('decoder/dense0', z))));
  const xHat = map(dense('decoder/output', d), (v) => 1 / (1 + Math.exp(-v)));
  let reconstruction = 0;
  xHat.forEach((row, r) => {
    row.forEach((v, c) => {
      reconstruction += (v - x[r]![c]!) ** 2;
    });
  });
  let kl = 0;
  mean.forEach((row, r) => {
    row.forEach((m, c) => {
      const lv = logVar[r]![c]!;
      kl += -0.5 * (1 + lv - m * m - Math.exp(lv));
    });
  });
  return { reconstruction, kl };
}

describe('vae', () => {
  it("the paper's VAE (784-50-50, latent 50) has 91,984 parameters and reconstructs into (0, 1)", () => {
    const model = createVae({ kind: 'vae', preset: 'vae-paper' });
    const linear = (i: number, o: number) => i * o + o;
    expect(model.parameterCount).toBe(
      linear(784, 50) + linear(50, 50) + 2 * linear(50, 50) + linear(50, 50) * 2 + linear(50, 784),
    );
    expect(model.parameterCount).toBe(91_984);
    const x = tf.sigmoid(testData([3, 784]));
    const y = model.apply(x);
    expect(y.shape).toEqual([3, 784]);
    const values = y.dataSync();
    expect(values.every((v) => v > 0 && v < 1)).toBe(true);
    const { mean, logVar } = model.encode(x);
    expect(mean.shape).toEqual([3, 50]);
    expect(logVar.shape).toEqual([3, 50]);
    // apply is the deterministic reconstruction decode(mean).
    const decoded = model.decode(mean);
    expect(Array.from(decoded.dataSync())).toEqual(Array.from(values));
    const samples = model.sample(4, { seed: 1 });
    expect(samples.shape).toEqual([4, 784]);
    tf.dispose([x, y, mean, logVar, decoded, samples]);
    model.dispose();
  });

  it('draws the PyTorch default init: weights and biases in +-1/sqrt(fan_in)', () => {
    const model = createVae(small);
    for (const w of model.getWeights()) {
      const fanIn = w.name.endsWith('/kernel')
        ? w.shape[0]!
        : model.getWeights().find((k) => k.name === w.name.replace('/bias', '/kernel'))!.shape[0]!;
      const limit = 1 / Math.sqrt(fanIn);
      expect(Math.max(...Array.from(w.values, Math.abs))).toBeLessThanOrEqual(limit);
      expect(w.values.some((v) => v !== 0)).toBe(true);
    }
    model.dispose();
  });

  it('loss = summed squared error + KL, matching a float64 reference for given noise', () => {
    const model = createVae(small);
    const x = tf.sigmoid(testData([3, 6], 7));
    const noise = testData([3, 2], 8);
    const terms = model.lossTerms(x, { noise });
    const expected = referenceLoss(
      model,
      toMatrix(x.dataSync(), 3, 6),
      toMatrix(noise.dataSync(), 3, 2),
    );
    const [reconstruction, kl, loss] = [terms.reconstruction, terms.kl, terms.loss].map(
      (t) => t.dataSync()[0]!,
    );
    expect(maxRelativeError([reconstruction!], [expected.reconstruction])).toBeLessThan(1e-5);
    expect(maxRelativeError([kl!], [expected.kl])).toBeLessThan(1e-5);
    expect(maxRelativeError([loss!], [expected.reconstruction + expected.kl])).toBeLessThan(1e-5);
    const mean = model.loss(x, { noise, reduction: 'mean' });
    expect(mean.dataSync()[0]).toBeCloseTo(loss! / 3, 5);
    tf.dispose([x, noise, terms.reconstruction, terms.kl, terms.loss, mean]);
    model.dispose();
  });

  it('reparameterization noise from a seed is reproducible bit for bit', () => {
    const model = createVae(small);
    const x = tf.sigmoid(testData([5, 6]));
    const value = (options: { seed: number } | { noise: tf.Tensor }) =>
      tf.tidy(() => model.loss(x, options).dataSync()[0]);
    expect(value({ seed: 11 })).toBe(value({ seed: 11 }));
    expect(value({ seed: 11 })).not.toBe(value({ seed: 12 }));
    const noise = seededNormal([5, 2], 11, 'vae/noise');
    expect(value({ noise })).toBe(value({ seed: 11 }));
    tf.dispose([x, noise]);
    model.dispose();
  });

  it('passes gradients of the loss to every variable, the log-variance head included', () => {
    const model = createVae(small);
    const x = tf.sigmoid(testData([4, 6]));
    expectGradientsForEveryVariable(model, () => model.loss(x, { seed: 1 }));
    x.dispose();
    model.dispose();
  });

  it('lowers the loss in a few Adam steps', () => {
    const model = createVae(small);
    const x = tf.sigmoid(testData([8, 6], 2));
    const { before, after } = train(
      model,
      () => model.loss(x, { seed: 3 }),
      30,
      tf.train.adam(0.02),
    );
    expect(after).toBeLessThan(0.8 * before);
    x.dispose();
    model.dispose();
  });

  it('leaks no tensor in apply, loss, lossTerms, encode or sample', () => {
    const model = createVae(small);
    const x = tf.sigmoid(testData([4, 6]));
    expectNoLeak(() => model.apply(x));
    expectNoLeak(() => model.loss(x, { seed: 2 }));
    expectNoLeak(() => Object.values(model.lossTerms(x, { seed: 2 })));
    expectNoLeak(() => Object.values(model.encode(x)));
    expectNoLeak(() => model.sample(2, { seed: 2 }));
    x.dispose();
    model.dispose();
  });

  it('asks for exactly one source of noise, of the right shape', () => {
    const model = createVae(small);
    const x = tf.sigmoid(testData([4, 6]));
    const noise = testData([4, 3]);
    expect(() => model.loss(x, {})).toThrow(
      'vae.loss: pass exactly one of {seed} or {noise} for the reparameterization noise (got neither)',
    );
    expect(() => model.loss(x, { seed: 1, noise })).toThrow('(got both)');
    expect(() => model.loss(x, { noise })).toThrow(
      'vae.loss: expected noise of shape [4, 2] (got [4, 3])',
    );
    tf.dispose([x, noise]);
    model.dispose();
  });
});
