import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  clippingOf,
  createRunOptimizer,
  describeOptimizer,
  learningRateOf,
  type RunOptimizer,
  validateRunOptimizer,
} from './run-optimizer.js';

/**
 * A tiny quadratic with two variables, L = 0.5 (a . u^2) + 0.5 (b . v^2), so that the global and
 * the per-tensor gradient norms differ. Its gradient is (a u, b v).
 */
const A = [1, 4];
const B = [9];
const U0 = [2, -3];
const V0 = [0.5];

type Vec = number[][];
const norm = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0));
const gradient = ([u, v]: Vec): Vec => [u!.map((x, i) => A[i]! * x), v!.map((x, i) => B[i]! * x)];
const flat = (g: Vec) => g.flat();

/** A rule's state slot, zero-initialized like the gradient on first use. */
function slot(state: Record<string, Vec>, key: string, g: Vec): Vec {
  if (state[key] === undefined) state[key] = g.map((gk) => gk.map(() => 0));
  return state[key]!;
}

/** Each rule in float64: one step of the update, given the step number t (from 1) and state. */
type Rule = (w: Vec, t: number, state: Record<string, Vec>) => Vec;

const sgdRule =
  (eta: number): Rule =>
  (w) => {
    const g = gradient(w);
    return w.map((wi, k) => wi.map((x, i) => x - eta * g[k]![i]!));
  };

const deltaGClipRule =
  (eta: number, gamma: number, delta: number): Rule =>
  (w) => {
    const g = gradient(w);
    const h = eta * Math.min(1, Math.max(delta, gamma / norm(flat(g))));
    return w.map((wi, k) => wi.map((x, i) => x - h * g[k]![i]!));
  };

const perTensorRule =
  (eta: number, gamma: number, delta: number): Rule =>
  (w) => {
    const g = gradient(w);
    return w.map((wi, k) => {
      const h = eta * Math.min(1, Math.max(delta, gamma / norm(g[k]!)));
      return wi.map((x, i) => x - h * g[k]![i]!);
    });
  };

const momentumRule =
  (eta: number, mu: number): Rule =>
  (w, _t, state) => {
    const g = gradient(w);
    const a = slot(state, 'a', g);
    return w.map((wi, k) =>
      wi.map((x, i) => {
        a[k]![i] = mu * a[k]![i]! + g[k]![i]!;
        return x - eta * a[k]![i]!;
      }),
    );
  };

const adamRule =
  (eta: number, b1: number, b2: number, eps: number): Rule =>
  (w, t, state) => {
    const g = gradient(w);
    const m = slot(state, 'm', g);
    const v = slot(state, 'v', g);
    return w.map((wi, k) =>
      wi.map((x, i) => {
        const gi = g[k]![i]!;
        m[k]![i] = b1 * m[k]![i]! + (1 - b1) * gi;
        v[k]![i] = b2 * v[k]![i]! + (1 - b2) * gi * gi;
        const mHat = m[k]![i]! / (1 - b1 ** t);
        const vHat = v[k]![i]! / (1 - b2 ** t);
        return x - (eta * mHat) / (Math.sqrt(vHat) + eps);
      }),
    );
  };

/**
 * Every class core registers, with settings chosen so that a wrong rule shows: ||g_0|| = 13.9
 * exceeds gamma/delta = 5, so δ-GClip takes the floor while GClip clips to gamma and SGD does
 * neither; the per-tensor norms (12.2 and 4.5) differ from the global one.
 */
const CASES: readonly { spec: RunOptimizer; rule: Rule }[] = [
  { spec: { className: 'deltaclip.SGD', config: { learningRate: 0.05 } }, rule: sgdRule(0.05) },
  {
    spec: {
      className: 'deltaclip.DeltaGClip',
      config: { learningRate: 0.1, gamma: 1, delta: 0.2 },
    },
    rule: deltaGClipRule(0.1, 1, 0.2),
  },
  {
    spec: { className: 'deltaclip.GClip', config: { learningRate: 0.1, gamma: 1 } },
    rule: deltaGClipRule(0.1, 1, 0),
  },
  {
    spec: {
      className: 'deltaclip.DeltaGClipPerTensor',
      config: { learningRate: 0.1, gamma: 1, delta: 0.2 },
    },
    rule: perTensorRule(0.1, 1, 0.2),
  },
  {
    spec: { className: 'deltaclip.Momentum', config: { learningRate: 0.02, momentum: 0.8 } },
    rule: momentumRule(0.02, 0.8),
  },
  {
    spec: {
      className: 'deltaclip.Adam',
      config: { learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-6 },
    },
    rule: adamRule(0.1, 0.8, 0.9, 1e-6),
  },
];

function run(optimizer: tf.Optimizer, steps: number): Vec {
  const u = tf.variable(tf.tensor1d(U0));
  const v = tf.variable(tf.tensor1d(V0));
  const a = tf.tensor1d(A);
  const b = tf.tensor1d(B);
  const loss = () =>
    tf.add(
      tf.mul(0.5, tf.sum(tf.mul(a, tf.square(u)))),
      tf.mul(0.5, tf.sum(tf.mul(b, tf.square(v)))),
    ) as tf.Scalar;
  for (let t = 0; t < steps; t++) optimizer.minimize(loss, false, [u, v]);
  const out = [Array.from(u.dataSync()), Array.from(v.dataSync())];
  tf.dispose([u, v, a, b]);
  return out;
}

function reference(rule: Rule, steps: number, lrAt: (t: number) => number = () => 1): Vec {
  let w: Vec = [U0, V0];
  const state: Record<string, Vec> = {};
  for (let t = 1; t <= steps; t++) {
    const next = rule(w, t, state);
    // A schedule multiplies the step, i.e. the displacement of this step.
    const f = lrAt(t - 1);
    w = w.map((wi, k) => wi.map((x, i) => x + f * (next[k]![i]! - x)));
  }
  return w;
}

function expectClose(actual: Vec, expected: Vec, what: string): void {
  const a = flat(actual);
  const e = flat(expected);
  expect(a.length, what).toBe(e.length);
  a.forEach((x, i) => {
    expect(Math.abs(x - e[i]!), `${what}[${i}]: ${x} vs ${e[i]}`).toBeLessThan(
      1e-5 * Math.max(1, Math.abs(e[i]!)),
    );
  });
}

describe('createRunOptimizer', () => {
  for (const { spec, rule } of CASES) {
    it(`${describeOptimizer(spec)} is ${spec.className} and follows its rule for 3 steps`, () => {
      const optimizer = createRunOptimizer(spec);
      expect(optimizer.getClassName()).toBe(spec.className);
      expectClose(run(optimizer, 3), reference(rule, 3), spec.className);
      optimizer.dispose();
    });
  }

  it('the rules tell the optimizers apart (a swapped class would fail)', () => {
    const after = CASES.map(({ rule }) => flat(reference(rule, 3)).join(','));
    expect(new Set(after).size).toBe(CASES.length);
  });

  it("applies the run's schedule as a multiplier of the step, replacing the config's", () => {
    const schedule = {
      kind: 'stepDecay',
      boundaries: [1],
      factor: 0.1,
      unit: 'step',
      stepsPerEpoch: 0,
    } as const;
    const spec: RunOptimizer = {
      className: 'deltaclip.DeltaGClip',
      config: { learningRate: 0.1, gamma: 1, delta: 0.2 },
    };
    const optimizer = createRunOptimizer(
      { ...spec, config: { ...spec.config, schedule: { kind: 'constant', value: 7 } } },
      { schedule },
    );
    // x0.1 from step 1 on.
    const factors = [1, 0.1, 0.1];
    expectClose(
      run(optimizer, 3),
      reference(deltaGClipRule(0.1, 1, 0.2), 3, (t) => factors[t]!),
      'scheduled',
    );
    optimizer.dispose();
  });

  it('round-trips through getConfig', () => {
    for (const { spec } of CASES) {
      const a = createRunOptimizer(spec);
      const b = createRunOptimizer({ className: a.getClassName(), config: a.getConfig() });
      expect(b.getConfig()).toEqual(a.getConfig());
      a.dispose();
      b.dispose();
    }
  });

  it('names a bad spec and the registered classes', () => {
    expect(() => createRunOptimizer({ className: 'delta-gclip', config: {} })).toThrow(
      /unknown optimizer className 'delta-gclip' \(registered optimizers: .*DeltaGClip/,
    );
    expect(() => validateRunOptimizer({ name: 'sgd', learningRate: 0.1 })).toThrow(
      "optimizer takes className, config and label only (got 'name', 'learningRate')",
    );
    expect(() => validateRunOptimizer({ className: 'deltaclip.SGD' })).toThrow(
      'optimizer.config must be an object of hyperparameters (got undefined)',
    );
    expect(() =>
      createRunOptimizer({
        className: 'deltaclip.DeltaGClip',
        config: { learningRate: 0.1, gamma: -1 },
      }),
    ).toThrow('gamma must be > 0 (got -1)');
  });
});

describe('labels and hyperparameters from className + config', () => {
  it('describes optimizers for tables', () => {
    expect(describeOptimizer(CASES[1]!.spec)).toBe('δ-GClip (eta 0.1, gamma 1, delta 0.2)');
    expect(
      describeOptimizer({
        className: 'DeltaClipAdam',
        config: { learningRate: 0.05, clipNorm: 3 },
      }),
    ).toBe('Adam + clip (eta 0.05, clip 3)');
    expect(describeOptimizer({ className: 'SGD', config: { learningRate: 0.5 } })).toBe(
      'SGD (eta 0.5)',
    );
    expect(describeOptimizer({ ...CASES[0]!.spec, label: 'plain' })).toBe('plain');
  });

  it('reads gamma and delta with the class defaults filled in', () => {
    expect(
      clippingOf({ className: 'deltaclip.GClip', config: { learningRate: 1, gamma: 2 } }),
    ).toEqual({
      gamma: 2,
      delta: 0,
    });
    const defaults = clippingOf({ className: 'deltaclip.DeltaGClip', config: { learningRate: 1 } });
    const resolved = createRunOptimizer({
      className: 'deltaclip.DeltaGClip',
      config: { learningRate: 1 },
    });
    expect(defaults).toEqual({
      gamma: resolved.getConfig().gamma,
      delta: resolved.getConfig().delta,
    });
    resolved.dispose();
    expect(clippingOf(CASES[0]!.spec)).toBeNull();
    expect(learningRateOf(CASES[4]!.spec)).toBe(0.02);
  });
});
