import { MEAN } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectGradientsForEveryVariable,
  expectNoLeak,
  testData,
  train,
  weightMap,
} from '../../test/helpers.js';
import {
  ACTIVATIONS_F64,
  map,
  matMul,
  maxRelativeError,
  std,
  toMatrix,
} from '../../test/reference.js';
import { squareLoss } from '../losses/square-loss.js';
import { createMlp, type MlpConfig, type MlpModel } from './mlp.js';

/** The MLP forward pass in float64 from the documented formulas and the model's own weights. */
function referenceForward(model: MlpModel, x: tf.Tensor): number[] {
  const cfg = model.config;
  const w = weightMap(model);
  const sizes = [cfg.inputSize, ...cfg.hidden, cfg.outputSize];
  let h = toMatrix(x.dataSync(), x.shape[0]!, cfg.inputSize);
  for (let i = 0; i + 1 < sizes.length; i++) {
    const kernel = toMatrix(w.get(`dense${i}/kernel`)!.values, sizes[i]!, sizes[i + 1]!);
    const bias = cfg.bias ? w.get(`dense${i}/bias`)!.values : null;
    const ntk = cfg.parameterization === 'ntk';
    const scale = ntk ? cfg.weightScale! / Math.sqrt(sizes[i]!) : 1;
    const biasScale = ntk ? cfg.biasScale! : 1;
    const z = map(matMul(h, kernel), (v, _r, c) => scale * v + (bias ? biasScale * bias[c]! : 0));
    const last = i + 2 === sizes.length;
    h = last ? z : map(z, ACTIVATIONS_F64[cfg.activation]!);
  }
  return h.flat();
}

const base: MlpConfig = { kind: 'mlp', inputSize: 3, hidden: [5, 4], outputSize: 2, seed: 7 };

describe('mlp', () => {
  it('maps [N, inputSize] to [N, outputSize] with sum(in*out + out) parameters', () => {
    const model = createMlp(base);
    const y = model.apply(testData([6, 3]));
    expect(y.shape).toEqual([6, 2]);
    expect(model.parameterCount).toBe(3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2);
    expect(model.variables.map((v) => v.name)).toEqual([
      'mlp/dense0/kernel',
      'mlp/dense0/bias',
      'mlp/dense1/kernel',
      'mlp/dense1/bias',
      'mlp/dense2/kernel',
      'mlp/dense2/bias',
    ]);
    expect(model.state).toEqual([]);
    y.dispose();
    model.dispose();
  });

  it('has no bias variables with bias: false', () => {
    const model = createMlp({ ...base, bias: false });
    expect(model.variables.map((v) => v.name)).toEqual([
      'mlp/dense0/kernel',
      'mlp/dense1/kernel',
      'mlp/dense2/kernel',
    ]);
    expect(model.parameterCount).toBe(15 + 20 + 8);
    model.dispose();
  });

  for (const activation of Object.keys(ACTIVATIONS_F64) as MlpConfig['activation'][]) {
    it(`standard parameterization with ${activation} matches a float64 reference`, () => {
      const model = createMlp({ ...base, activation });
      const x = testData([4, 3], 3);
      const y = model.apply(x);
      expect(maxRelativeError(y.dataSync(), referenceForward(model, x))).toBeLessThan(2e-6);
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  it('NTK parameterization scales each pre-activation by weightScale/sqrt(fan_in) and the bias by biasScale (float64 reference)', () => {
    for (const scales of [{}, { weightScale: Math.SQRT2, biasScale: 0.5 }]) {
      const model = createMlp({ ...base, parameterization: 'ntk', activation: 'tanh', ...scales });
      expect(model.config.weightScale).toBe(scales.weightScale ?? 1);
      expect(model.config.biasScale).toBe(scales.biasScale ?? 0.1);
      const x = testData([4, 3], 5);
      const y = model.apply(x);
      const expected = referenceForward(model, x);
      expect(maxRelativeError(y.dataSync(), expected)).toBeLessThan(2e-6);
      // The same weights without the NTK scale give a different function: the scale is applied.
      const unscaled = createMlp({ ...base, activation: 'tanh', prefix: 'unscaled' });
      unscaled.setWeights(model.getWeights());
      const yUnscaled = unscaled.apply(x);
      expect(maxRelativeError(yUnscaled.dataSync(), expected)).toBeGreaterThan(1e-2);
      tf.dispose([x, y, yUnscaled]);
      model.dispose();
      unscaled.dispose();
    }
  });

  it('draws NTK weights and biases from N(0, 1), standard ones by He / Glorot', () => {
    const wide = { kind: 'mlp', inputSize: 64, hidden: [256], outputSize: 32 } as const;
    const models = [
      createMlp({ ...wide, parameterization: 'ntk' }),
      createMlp({ ...wide, activation: 'relu' }),
      createMlp({ ...wide, activation: 'tanh' }),
    ];
    const [ntk, he, glorot] = models.map(weightMap) as [
      ReturnType<typeof weightMap>,
      ReturnType<typeof weightMap>,
      ReturnType<typeof weightMap>,
    ];
    expect(std(ntk.get('dense0/kernel')!.values)).toBeCloseTo(1, 1);
    expect(std(ntk.get('dense0/bias')!.values)).toBeGreaterThan(0.8);
    expect(std(he.get('dense0/kernel')!.values) / Math.sqrt(2 / 64)).toBeCloseTo(1, 1);
    expect(he.get('dense0/bias')!.values.every((b) => b === 0)).toBe(true);
    const limit = Math.sqrt(6 / (64 + 256));
    const k = glorot.get('dense0/kernel')!.values;
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(std(k) / (limit / Math.sqrt(3))).toBeCloseTo(1, 1); // U(-a, a) has std a/sqrt(3)
    // The output layer is Glorot uniform whatever the activation.
    const out = he.get('dense1/kernel')!.values;
    expect(Math.max(...out.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / (256 + 32)));
    for (const m of models) m.dispose();
  });

  it('gives bit-identical initial weights for the same config, whatever the prefix', () => {
    const a = createMlp({ ...base, parameterization: 'ntk' });
    const b = createMlp({ ...base, parameterization: 'ntk' });
    expect(a.prefix).toBe('mlp');
    expect(b.prefix).toBe('mlp_1');
    expect(b.getWeights().map((w) => w.values)).toEqual(a.getWeights().map((w) => w.values));
    const c = createMlp({ ...base, parameterization: 'ntk', seed: 8 });
    expect(c.getWeights()[0]!.values).not.toEqual(a.getWeights()[0]!.values);
    for (const m of [a, b, c]) m.dispose();
  });

  it('passes gradients to every variable, in both parameterizations', () => {
    for (const parameterization of ['standard', 'ntk'] as const) {
      const model = createMlp({ ...base, parameterization, activation: 'gelu' });
      const x = testData([8, 3]);
      const y = testData([8, 2], 9);
      expectGradientsForEveryVariable(model, () => squareLoss(model.apply(x), y, MEAN));
      tf.dispose([x, y]);
      model.dispose();
    }
  });

  it('lowers a square loss in a few SGD steps', () => {
    const model = createMlp({ ...base, activation: 'tanh', parameterization: 'ntk' });
    const x = testData([16, 3]);
    const y = testData([16, 2], 4);
    const { before, after } = train(
      model,
      () => squareLoss(model.apply(x), y, MEAN),
      20,
      tf.train.sgd(0.1),
    );
    expect(after).toBeLessThan(0.8 * before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('leaks no tensor in apply', () => {
    const model = createMlp({ ...base, parameterization: 'ntk' });
    const x = testData([4, 3]);
    expectNoLeak(() => model.apply(x));
    x.dispose();
    model.dispose();
  });

  it('rejects bad configs and inputs with messages that name the problem', () => {
    expect(() => createMlp({ ...base, hidden: [4, 0] })).toThrow(
      'hidden[1] must be an integer >= 1 (got 0)',
    );
    expect(() => createMlp({ ...base, activation: 'swish' as never })).toThrow(
      "activation must be one of 'relu', 'tanh', 'sigmoid', 'gelu', 'leakyRelu', 'linear', 'softplus' (got \"swish\")",
    );
    expect(() => createMlp({ ...base, weightScale: 2 })).toThrow(
      "weightScale applies to parameterization 'ntk' only (got weightScale 2 with 'standard')",
    );
    expect(() => createMlp({ ...base, hiddenSizes: [3] } as never)).toThrow(
      "mlp config has no field 'hiddenSizes'",
    );
    const model = createMlp(base);
    const x = testData([2, 4]);
    expect(() => model.apply(x)).toThrow('mlp.apply: expected input of shape [N, 3] (got [2, 4])');
    x.dispose();
    model.dispose();
  });
});
