import '@tensorflow/tfjs-backend-cpu';
import { createRunOptimizer } from '@deltaclip/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES, parseOptimizerSpec } from './optimizer-names.js';

/** L = 0.5 (a . u^2) + 0.5 (b . v^2): two variables, so global and per-tensor norms differ. */
const A = [1, 4];
const B = [9];
const W0 = [[2, -3], [0.5]];
const grad = (w: number[][]) => [w[0]!.map((x, i) => A[i]! * x), w[1]!.map((x, i) => B[i]! * x)];
const norm = (xs: number[]) => Math.hypot(...xs);

/** A rule's state slot, zero-initialized like the gradient on first use. */
function slot(state: Record<string, number[][]>, key: string, g: number[][]): number[][] {
  if (state[key] === undefined) state[key] = g.map((gk) => gk.map(() => 0));
  return state[key]!;
}

/** One float64 step of each rule: `h(g, k)` is the step size of variable k, `dir` the direction. */
type Step = (w: number[][], t: number, s: Record<string, number[][]>) => number[][];
const scaled =
  (h: (g: number[][], k: number) => number): Step =>
  (w) => {
    const g = grad(w);
    return w.map((wk, k) => wk.map((x, i) => x - h(g, k) * g[k]![i]!));
  };

// With these settings ||g_0|| = 13.0 > gamma/delta = 5: δ-GClip floors, GClip clips, SGD does neither.
const EXPECTED: Readonly<Record<string, { text: string; className: string; step: Step }>> = {
  sgd: { text: 'sgd:lr=0.05', className: 'deltaclip.SGD', step: scaled(() => 0.05) },
  gclip: {
    text: 'gclip:lr=0.1,gamma=1',
    className: 'deltaclip.GClip',
    step: scaled((g) => 0.1 * Math.min(1, 1 / norm(g.flat()))),
  },
  'delta-gclip': {
    text: 'delta-gclip:lr=0.1,gamma=1,delta=0.2',
    className: 'deltaclip.DeltaGClip',
    step: scaled((g) => 0.1 * Math.min(1, Math.max(0.2, 1 / norm(g.flat())))),
  },
  'delta-gclip-per-tensor': {
    text: 'delta-gclip-per-tensor:lr=0.1,gamma=1,delta=0.2',
    className: 'deltaclip.DeltaGClipPerTensor',
    step: scaled((g, k) => 0.1 * Math.min(1, Math.max(0.2, 1 / norm(g[k]!)))),
  },
  momentum: {
    text: 'momentum:lr=0.02,momentum=0.8',
    className: 'deltaclip.Momentum',
    step: (w, _t, s) => {
      const g = grad(w);
      const a = slot(s, 'a', g);
      return w.map((wk, k) =>
        wk.map((x, i) => {
          a[k]![i] = 0.8 * a[k]![i]! + g[k]![i]!;
          return x - 0.02 * a[k]![i]!;
        }),
      );
    },
  },
  adam: {
    text: 'adam:lr=0.1,beta1=0.8,beta2=0.9,epsilon=1e-6',
    className: 'deltaclip.Adam',
    step: (w, t, s) => {
      const g = grad(w);
      const m = slot(s, 'm', g);
      const v = slot(s, 'v', g);
      return w.map((wk, k) =>
        wk.map((x, i) => {
          m[k]![i] = 0.8 * m[k]![i]! + 0.2 * g[k]![i]!;
          v[k]![i] = 0.9 * v[k]![i]! + 0.1 * g[k]![i]! ** 2;
          return (
            x - (0.1 * m[k]![i]!) / (1 - 0.8 ** t) / (Math.sqrt(v[k]![i]! / (1 - 0.9 ** t)) + 1e-6)
          );
        }),
      );
    },
  },
};

let unique = 0;

/** Two steps fed the analytic gradient (the CLI's test process registers no tfjs gradients). */
function twoSteps(optimizer: tf.Optimizer): number[] {
  unique += 1;
  const u = tf.variable(tf.tensor1d(W0[0]!), true, `names_u${unique}`);
  const v = tf.variable(tf.tensor1d(W0[1]!), true, `names_v${unique}`);
  for (let t = 0; t < 2; t++) {
    const grads = tf.tidy(() => ({ [u.name]: tf.mul(A, u), [v.name]: tf.mul(B, v) }));
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const out = [...u.dataSync(), ...v.dataSync()];
  tf.dispose([u, v]);
  return out;
}

describe('CLI optimizer names', () => {
  it('covers every name', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(
      OPTIMIZER_NAMES.filter((n) => n !== 'clipped-momentum' && n !== 'clipped-adam').sort(),
    );
  });

  for (const [name, e] of Object.entries(EXPECTED)) {
    it(`${name} builds ${e.className} and takes its rule's steps`, () => {
      const spec = parseOptimizerSpec(e.text);
      expect(spec.className).toBe(e.className);
      const optimizer = createRunOptimizer(spec);
      expect(optimizer.getClassName()).toBe(e.className);
      let w = W0;
      const state: Record<string, number[][]> = {};
      for (let t = 1; t <= 2; t++) w = e.step(w, t, state);
      const actual = twoSteps(optimizer);
      w.flat().forEach((x, i) => {
        expect(actual[i]!, `${name}[${i}]`).toBeCloseTo(x, 5);
      });
      optimizer.dispose();
    });
  }

  it('clipped-momentum and clipped-adam are their base class with clipNorm 1', () => {
    expect(parseOptimizerSpec('clipped-momentum:lr=0.1')).toEqual({
      className: 'deltaclip.Momentum',
      config: { clipNorm: 1, learningRate: 0.1 },
    });
    expect(parseOptimizerSpec('clipped-adam:lr=0.1,clipNorm=2,label=x')).toEqual({
      className: 'deltaclip.Adam',
      config: { clipNorm: 2, learningRate: 0.1 },
      label: 'x',
    });
  });

  it('explains bad specs', () => {
    expect(() => parseOptimizerSpec('adamw:lr=1')).toThrow(
      "Unknown optimizer 'adamw'. Known optimizers: sgd, momentum, adam, gclip, delta-gclip",
    );
    expect(() => parseOptimizerSpec('sgd:lr=abc')).toThrow(
      "Optimizer option 'lr' in 'sgd:lr=abc' must be a number (got 'abc')",
    );
    expect(() => parseOptimizerSpec('sgd:gamma=1,lr=1')).toThrow(
      "Optimizer 'sgd' does not take 'gamma'. It takes: learningRate, weightDecay, decoupledWeightDecay, nonFinite, label",
    );
    expect(() => parseOptimizerSpec('gclip:gamma=1')).toThrow(
      "Optimizer 'gclip:gamma=1' needs a learning rate: add lr=<value>, e.g. gclip:lr=0.1",
    );
    expect(() => parseOptimizerSpec('sgd:lr')).toThrow(
      "Bad optimizer option 'lr' in 'sgd:lr': expected key=value",
    );
  });
});
