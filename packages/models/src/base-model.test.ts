import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testData } from '../test/helpers.js';
import { WeightsMismatchError } from './errors.js';
import { createMlp } from './models/mlp.js';
import { createResNet } from './models/resnet.js';

const config = { kind: 'mlp', inputSize: 2, hidden: [3], outputSize: 1, seed: 1 } as const;

describe('weights I/O', () => {
  it('getWeights lists trainable weights then state, with names relative to the prefix', () => {
    const model = createResNet({
      kind: 'resnet',
      widths: [2],
      blocks: [1],
      numClasses: 2,
      prefix: 'net',
    });
    const weights = model.getWeights();
    expect(weights.length).toBe(model.variables.length + model.state.length);
    expect(weights.slice(0, 4).map((w) => [w.name, w.shape, w.trainable])).toEqual([
      ['stem/conv/kernel', [3, 3, 3, 2], true],
      ['stem/bn/gamma', [2], true],
      ['stem/bn/beta', [2], true],
      ['stage0/block0/first/conv/kernel', [3, 3, 2, 2], true],
    ]);
    expect(weights.filter((w) => !w.trainable).map((w) => w.name)).toContain('stem/bn/movingMean');
    expect(model.variables[0]!.name).toBe('net/stem/conv/kernel');
    model.dispose();
  });

  it('round-trips through getWeights/setWeights into a model with another prefix and seed', async () => {
    const a = createResNet({ kind: 'resnet', widths: [2], blocks: [1], numClasses: 2 });
    const x = testData([2, 4, 4, 3]);
    a.apply(x, { training: true }).dispose(); // move the running statistics off their init
    const b = createResNet({ kind: 'resnet', widths: [2], blocks: [1], numClasses: 2, seed: 9 });
    b.setWeights(a.getWeights());
    expect(b.getWeights()).toEqual(a.getWeights());
    expect(await b.readWeights()).toEqual(a.getWeights());
    const ya = a.apply(x);
    const yb = b.apply(x);
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    // Plain arrays work too (e.g. weights parsed from JSON).
    b.setWeights(a.getWeights().map((w) => ({ ...w, values: Array.from(w.values) })));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('getWeights returns copies, not views of backend memory', () => {
    const model = createMlp(config);
    const w = model.getWeights();
    w[0]!.values[0] = 1234;
    expect(model.getWeights()[0]!.values[0]).not.toBe(1234);
    model.dispose();
  });

  it('setWeights lists every problem, and changes nothing when any', () => {
    const model = createMlp(config);
    const good = model.getWeights();
    const bad = [
      good[0]!, // dense0/kernel [2, 3]
      { ...good[1]!, shape: [1, 3] }, // dense0/bias should be [3]
      { ...good[2]!, values: new Float32Array(2) }, // dense1/kernel [3, 1] needs 3 values
      { name: 'dense9/kernel', shape: [1], values: [0] },
      // dense1/bias missing
    ];
    let error: unknown;
    try {
      model.setWeights(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightsMismatchError);
    const mismatch = error as WeightsMismatchError;
    expect(mismatch.message).toBe(
      "setWeights: the weights do not fit model 'mlp': missing 'dense1/bias' [1]; unexpected 'dense9/kernel' [1]; " +
        "shape of 'dense0/bias' is [1, 3], expected [3], 'dense1/kernel' has 2 values, its shape [3, 1] needs 3. " +
        'Pass the output of getWeights() from a model built with the same config (names are relative to the prefix). Nothing was changed.',
    );
    expect(mismatch.missing).toEqual(["'dense1/bias' [1]"]);
    expect(model.getWeights()).toEqual(good);
    expect(() => model.setWeights([...good, good[0]!])).toThrow(
      "unexpected 'dense0/kernel' (given twice)",
    );
    model.dispose();
  });

  it('dispose frees every variable and later calls say so', () => {
    const before = tf.memory().numTensors;
    const model = createResNet({
      kind: 'resnet',
      widths: [2],
      blocks: [1],
      numClasses: 2,
      prefix: 'gone',
    });
    model.dispose();
    model.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(tf.engine().registeredVariables).some((n) => n.startsWith('gone/'))).toBe(
      false,
    );
    const x = testData([1, 4, 4, 3]);
    expect(() => model.apply(x)).toThrow(
      'resnet.apply: the model was disposed; build a new one with createModel(config)',
    );
    x.dispose();
  });
});
