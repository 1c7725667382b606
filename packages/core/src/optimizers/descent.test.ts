import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { randomFloat32 } from '../../test/reference.js';
import { adam, momentum, sgd } from './descent.js';

let n = 0;
function pair(shapes: number[][], seed: number) {
  n += 1;
  const make = (tag: string) =>
    shapes.map((shape, i) =>
      tf.variable(
        tf.tensor(
          Float32Array.from(
            randomFloat32(
              shape.reduce((a, b) => a * b, 1),
              seed + i,
            ),
          ),
          shape,
        ),
        true,
        `desc_${tag}_${n}_${i}`,
      ),
    );
  return { ours: make('a'), theirs: make('b') };
}

function gradientsFor(vars: tf.Variable[], step: number): { name: string; tensor: tf.Tensor }[] {
  return vars.map((v, i) => ({
    name: v.name,
    tensor: tf.tensor(Float32Array.from(randomFloat32(v.size, 1000 * step + i + 7)), v.shape),
  }));
}

/** Run our optimizer and tfjs's side by side on identical variables and gradients. */
function compare(ours: tf.Optimizer, theirs: tf.Optimizer, steps: number, tolerance: number) {
  const { ours: a, theirs: b } = pair([[3, 4], [5]], 3);
  for (let t = 0; t < steps; t++) {
    const ga = gradientsFor(a, t);
    const gb = gradientsFor(b, t);
    ours.applyGradients(ga);
    theirs.applyGradients(gb);
    tf.dispose([...ga, ...gb].map((g) => g.tensor));
  }
  a.forEach((v, i) => {
    const x = v.dataSync();
    const y = b[i]!.dataSync();
    for (let k = 0; k < x.length; k++) {
      expect(Math.abs(x[k]! - y[k]!)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(y[k]!)));
    }
  });
  tf.dispose([...a, ...b]);
  ours.dispose();
  theirs.dispose();
}

describe('sgd, momentum and adam match tf.train', () => {
  it('sgd equals tf.train.sgd exactly', () => {
    compare(sgd({ learningRate: 0.1 }), tf.train.sgd(0.1), 10, 0);
  });
  it('momentum equals tf.train.momentum', () => {
    compare(momentum({ learningRate: 0.1, momentum: 0.9 }), tf.train.momentum(0.1, 0.9), 10, 1e-6);
  });
  it('nesterov momentum equals tf.train.momentum(useNesterov)', () => {
    compare(
      momentum({ learningRate: 0.1, momentum: 0.8, nesterov: true }),
      tf.train.momentum(0.1, 0.8, true),
      10,
      1e-6,
    );
  });
  it('adam equals tf.train.adam', () => {
    compare(adam({ learningRate: 0.01 }), tf.train.adam(0.01), 20, 1e-6);
    compare(
      adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-4 }),
      tf.train.adam(0.05, 0.8, 0.99, 1e-4),
      20,
      1e-6,
    );
  });
});

describe('per-variable optimizer state', () => {
  it('starts a variable first seen later from zero moments and keeps the others', async () => {
    const { ours } = pair([[2], [3]], 11);
    const [v1, v2] = ours as [tf.Variable, tf.Variable];
    const optimizer = adam({ learningRate: 0.1 });
    const g1 = tf.tensor1d([0.5, -0.5]);
    const g2 = tf.tensor1d([1, 2, 3]);
    // Slot 1 has a null gradient at first: its moments do not exist yet.
    optimizer.applyGradients([
      { name: v1.name, tensor: g1 },
      { name: v2.name, tensor: null as never },
    ]);
    let names = (await optimizer.getWeights()).map((w) => w.name);
    expect(names).toContain('deltaclip/state/inner/0/m/0');
    expect(names).not.toContain('deltaclip/state/inner/0/m/1');
    optimizer.applyGradients({ [v1.name]: g1, [v2.name]: g2 });
    names = (await optimizer.getWeights()).map((w) => w.name);
    expect(names).toContain('deltaclip/state/inner/0/v/1');
    tf.dispose([g1, g2, v1, v2]);
    optimizer.dispose();
  });

  it('follows variables by position, so renamed variables (a reloaded model) resume exactly', async () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, 'dense_Dense7/kernel');
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'dense_Dense8/kernel');
    const o1 = adam({ learningRate: 0.1 });
    const g = tf.tensor1d([0.3, -0.1]);
    for (let i = 0; i < 3; i++) o1.applyGradients({ [v.name]: g });
    w.assign(v);
    const o2 = adam({ learningRate: 0.1 });
    await o2.setWeights(await o1.getWeights());
    o1.applyGradients({ [v.name]: g });
    o2.applyGradients({ [w.name]: g });
    expect(Array.from(w.dataSync())).toEqual(Array.from(v.dataSync()));
    tf.dispose([v, w, g]);
    o1.dispose();
    o2.dispose();
  });

  it('says so when the order of the variables changes between steps', () => {
    const a = tf.variable(tf.zeros([2]), true, 'desc_order_a');
    const b = tf.variable(tf.zeros([3]), true, 'desc_order_b');
    const optimizer = momentum({ learningRate: 0.1 });
    const ga = tf.ones([2]);
    const gb = tf.ones([3]);
    optimizer.applyGradients([
      { name: a.name, tensor: ga },
      { name: b.name, tensor: gb },
    ]);
    expect(() =>
      optimizer.applyGradients([
        { name: b.name, tensor: gb },
        { name: a.name, tensor: ga },
      ]),
    ).toThrow(
      "Momentum velocity for variable #0 has shape [2] but 'desc_order_b' has shape [3]: per-variable optimizer state follows the order of the variables",
    );
    tf.dispose([a, b, ga, gb]);
    optimizer.dispose();
  });

  it('keeps the moments untouched on a skipped non-finite step', async () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, 'desc_nan_skip');
    const optimizer = adam({ learningRate: 0.1 });
    const good = tf.tensor1d([0.3, -0.1]);
    const bad = tf.tensor1d([Number.NaN, 1]);
    optimizer.applyGradients({ [v.name]: good });
    const adamState = async () =>
      (await optimizer.getWeights())
        .filter((w) => /\/(count|m|v)(\/|$)/.test(w.name))
        .map((w) => [w.name, Array.from(w.tensor.dataSync())]);
    const before = await adamState();
    expect(before.length).toBe(3);
    optimizer.applyGradients({ [v.name]: bad });
    // The Adam count and moments did not move (the skip counter and iterations did).
    expect(await adamState()).toEqual(before);
    expect(Array.from(v.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([v, good, bad]);
    optimizer.dispose();
  });

  it('clipNorm clips the raw gradient before the direction; sgd refuses it (that is gClip)', () => {
    const v = tf.variable(tf.tensor1d([0, 0]), true, 'desc_clip');
    const optimizer = momentum({ learningRate: 1, momentum: 0.5, clipNorm: 1 });
    const g = tf.tensor1d([3, 4]);
    optimizer.applyGradients({ [v.name]: g });
    const [a, b] = Array.from(v.dataSync());
    expect(a).toBeCloseTo(-0.6, 6);
    expect(b).toBeCloseTo(-0.8, 6);
    expect(() => momentum({ learningRate: 1, clipNorm: 0 })).toThrow(
      'clipNorm must be > 0 (got 0)',
    );
    expect(() => sgd({ learningRate: 1, clipNorm: 1 } as never)).toThrow(
      'sgd has no clipNorm (got 1): clipping then SGD is GClip, write gClip({ learningRate, gamma: clipNorm })',
    );
    expect(() => adam({ learningRate: 1, beta1: 1 })).toThrow(
      'beta1 must be in [0, 0.999999] (got 1)',
    );
    tf.dispose([v, g]);
    optimizer.dispose();
  });
});
