import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { countBackendReads } from './backend-reads.js';
import { maxRelativeError, type ReferenceOptimizer, referenceFor } from './reference.js';

export interface ConformanceSubject {
  /** Shown in test names. */
  readonly name: string;
  /** A fresh optimizer each call, with a learning rate that makes the test quadratic descend. */
  readonly create: () => tf.Optimizer;
  /** Whether applyGradients must never read from the device (default true). */
  readonly syncFree?: boolean;
  /** Whether a NaN gradient must leave every variable unchanged (default true). */
  readonly skipsNonFinite?: boolean;
  /**
   * Largest relative difference allowed between a resumed and an uninterrupted run (default 0:
   * bit-for-bit). tfjs's own Adam recomputes beta^t with pow on resume instead of repeated
   * products, so wrapping it needs about 1e-6.
   */
  readonly resumeTolerance?: number;
  /**
   * The float64 reference of this optimizer's update rule, for the trajectory check. Default:
   * {@link referenceFor} its `{ className, config }` (every ready-made deltaclip optimizer has
   * one). An optimizer with neither gets no trajectory check.
   */
  readonly reference?: () => ReferenceOptimizer;
  /**
   * Largest error allowed between its trajectory and the float64 reference's after 20 steps,
   * relative to the weights' root mean square (default 1e-4: float32 round-off with room for
   * backends whose transcendental functions are less exact).
   */
  readonly referenceTolerance?: number;
}

let unique = 0;
function freshName(tag: string): string {
  unique += 1;
  return `conformance_${tag}_${unique}`;
}

/** Deterministic values in [-1, 1) from a linear congruential generator. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Problem {
  readonly vars: tf.Variable[];
  /** The gradient at `weights` [w1, w2], in float64 from the formula (no tfjs). */
  referenceGrads(weights: readonly Float64Array[]): Float64Array[];
  /** 0.5 * sum_i ||A_i w_i - b_i||^2 over the two variables. */
  loss(): tf.Scalar;
  grads(): tf.NamedTensorMap;
  dispose(): void;
}

function makeProblem(seed: number): Problem {
  const aValues = values(12, seed + 1);
  const bValues = values(4, seed + 2);
  const a = tf.tensor2d(aValues, [4, 3]);
  const b = tf.tensor1d(bValues);
  const w1 = tf.variable(tf.tensor1d(values(3, seed + 3)), true, freshName('w1'));
  const w2 = tf.variable(tf.tensor2d(values(6, seed + 4), [2, 3]), true, freshName('w2'));
  const loss = () =>
    tf.tidy(() => {
      const r1 = tf.sub(tf.reshape(tf.matMul(a, tf.reshape(w1, [3, 1])), [4]), b);
      const r2 = tf.sub(w2, 0.5);
      return tf.mul(0.5, tf.add(tf.sum(tf.square(r1)), tf.sum(tf.square(r2)))) as tf.Scalar;
    });
  return {
    vars: [w1, w2],
    // grad_w1 = A^T (A w1 - b), grad_w2 = w2 - 0.5.
    referenceGrads([x1, x2]) {
      const r = Array.from({ length: 4 }, (_, i) => {
        let dot = -bValues[i]!;
        for (let j = 0; j < 3; j++) dot += aValues[i * 3 + j]! * x1![j]!;
        return dot;
      });
      const g1 = new Float64Array(3);
      for (let j = 0; j < 3; j++) for (let i = 0; i < 4; i++) g1[j]! += aValues[i * 3 + j]! * r[i]!;
      return [g1, x2!.map((x) => x - 0.5)];
    },
    loss,
    grads: () => {
      const { value, grads } = tf.variableGrads(loss);
      value.dispose();
      return grads;
    },
    dispose: () => {
      for (const t of [a, b, w1, w2]) t.dispose();
    },
  };
}

function snapshot(vars: readonly tf.Variable[]): number[][] {
  return vars.map((v) => Array.from(v.dataSync()));
}

function step(optimizer: tf.Optimizer, problem: Problem): void {
  const grads = problem.grads();
  optimizer.applyGradients(grads);
  tf.dispose(grads);
}

/**
 * The contract every optimizer of deltaclip meets, on whatever backend is active: it follows an
 * independent float64 reference of its update rule (see ./reference.ts), descends,
 * honours both applyGradients forms and null gradients, leaks no tensor, never syncs, skips
 * non-finite steps, round-trips its config and weights exactly, and releases its state.
 *
 * @example
 * describeOptimizerConformance({ name: 'δ-GClip', create: () => deltaGClip({ learningRate: 0.1 }) });
 */
export function describeOptimizerConformance(subject: ConformanceSubject): void {
  const syncFree = subject.syncFree ?? true;
  const skipsNonFinite = subject.skipsNonFinite ?? true;
  const resumeTolerance = subject.resumeTolerance ?? 0;
  const referenceTolerance = subject.referenceTolerance ?? 1e-4;

  describe(`optimizer conformance: ${subject.name} on ${tf.getBackend()}`, () => {
    it('minimizes a quadratic with minimize()', () => {
      const problem = makeProblem(1);
      const optimizer = subject.create();
      const first = problem.loss().dataSync()[0]!;
      let last = first;
      for (let i = 0; i < 50; i++) {
        const cost = optimizer.minimize(problem.loss, true, problem.vars)!;
        last = cost.dataSync()[0]!;
        cost.dispose();
      }
      const final = problem.loss().dataSync()[0]!;
      expect(Number.isFinite(final)).toBe(true);
      expect(final).toBeLessThan(0.5 * first);
      expect(final).toBeLessThanOrEqual(last);
      expect(optimizer.iterations).toBe(50);
      optimizer.dispose();
      problem.dispose();
    });

    it('follows the float64 reference of its update rule for 20 steps', () => {
      const optimizer = subject.create();
      const reference =
        subject.reference?.() ??
        referenceFor(optimizer.getClassName(), optimizer.getConfig() as Record<string, unknown>);
      expect(
        reference,
        `no float64 reference for ${optimizer.getClassName()}: pass subject.reference`,
      ).toBeDefined();
      const problem = makeProblem(8);
      const initial = snapshot(problem.vars);
      const expected = initial.map((w) => Float64Array.from(w));
      for (let i = 0; i < 20; i++) {
        step(optimizer, problem);
        reference!.step(expected, problem.referenceGrads(expected));
      }
      const actual = snapshot(problem.vars);
      expected.forEach((w, i) => {
        expect(maxRelativeError(actual[i]!, w)).toBeLessThanOrEqual(referenceTolerance);
      });
      // Moved at all: a no-op optimizer cannot pass by matching a no-op reference.
      expect(maxRelativeError(actual[0]!, initial[0]!)).toBeGreaterThan(100 * referenceTolerance);
      optimizer.dispose();
      problem.dispose();
    });

    it('gives the same result for the map and array forms of applyGradients', () => {
      const p1 = makeProblem(2);
      const p2 = makeProblem(2);
      const o1 = subject.create();
      const o2 = subject.create();
      for (let i = 0; i < 5; i++) {
        const g1 = p1.grads();
        o1.applyGradients(g1);
        tf.dispose(g1);
        const g2 = p2.grads();
        o2.applyGradients(p2.vars.map((v, j) => ({ name: v.name, tensor: g2[p2.vars[j]!.name]! })));
        tf.dispose(g2);
      }
      expect(snapshot(p2.vars)).toEqual(snapshot(p1.vars));
      o1.dispose();
      o2.dispose();
      p1.dispose();
      p2.dispose();
    });

    it('skips variables whose gradient is null and updates the others', () => {
      const problem = makeProblem(3);
      const optimizer = subject.create();
      const before = snapshot(problem.vars);
      const grads = problem.grads();
      const [v1, v2] = problem.vars as [tf.Variable, tf.Variable];
      optimizer.applyGradients({ [v1.name]: grads[v1.name]!, [v2.name]: null as never });
      tf.dispose(grads);
      const after = snapshot(problem.vars);
      expect(after[1]).toEqual(before[1]);
      expect(after[0]).not.toEqual(before[0]);
      optimizer.dispose();
      problem.dispose();
    });

    it('leaks no tensor over 1,000 steps and releases everything on dispose', () => {
      const problem = makeProblem(4);
      const baseline = tf.memory().numTensors;
      const optimizer = subject.create();
      step(optimizer, problem);
      const afterFirst = tf.memory().numTensors;
      for (let i = 0; i < 1000; i++) step(optimizer, problem);
      expect(tf.memory().numTensors).toBe(afterFirst);
      optimizer.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
      problem.dispose();
    });

    if (syncFree) {
      it('never reads tensor data back to the host in applyGradients', async () => {
        const problem = makeProblem(5);
        const optimizer = subject.create();
        const grads = problem.grads();
        const reads = await countBackendReads(() => {
          for (let i = 0; i < 100; i++) optimizer.applyGradients(grads);
        });
        tf.dispose(grads);
        expect(reads).toEqual({ sync: 0, async: 0 });
        optimizer.dispose();
        problem.dispose();
      });
    }

    if (skipsNonFinite) {
      it('leaves every variable unchanged on a NaN or Infinity gradient', () => {
        const problem = makeProblem(6);
        const optimizer = subject.create();
        step(optimizer, problem);
        const before = snapshot(problem.vars);
        const [v1, v2] = problem.vars as [tf.Variable, tf.Variable];
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
          const g1 = tf.tensor1d([1, bad, 0]);
          const g2 = tf.onesLike(v2);
          optimizer.applyGradients({ [v1.name]: g1, [v2.name]: g2 });
          tf.dispose([g1, g2]);
          expect(snapshot(problem.vars)).toEqual(before);
        }
        // A skipped step is a step: iterations counts calls of applyGradients (documented rule).
        expect(optimizer.iterations).toBe(3);
        step(optimizer, problem);
        expect(optimizer.iterations).toBe(4);
        expect(snapshot(problem.vars).flat().every(Number.isFinite)).toBe(true);
        optimizer.dispose();
        problem.dispose();
      });
    }

    it('round-trips getConfig/fromConfig through tf.serialization', () => {
      const optimizer = subject.create();
      const className = optimizer.getClassName();
      const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
      expect(
        entry,
        `${className} must be registered with tf.serialization.registerClass`,
      ).toBeDefined();
      const [cls, fromConfig] = entry!;
      const copy = fromConfig(cls, optimizer.getConfig()) as tf.Optimizer;
      expect(copy.getClassName()).toBe(className);
      expect(copy.getConfig()).toEqual(optimizer.getConfig());
      optimizer.dispose();
      copy.dispose();
    });

    it('resumes exactly from getWeights/setWeights in a rebuilt optimizer', async () => {
      const p1 = makeProblem(7);
      const p2 = makeProblem(7);
      const o1 = subject.create();
      for (let i = 0; i < 5; i++) step(o1, p1);
      // Carry the variables and the optimizer state over to a second, rebuilt copy.
      p2.vars.forEach((v, i) => {
        v.assign(p1.vars[i]!);
      });
      const weights = await o1.getWeights();
      const [cls, fromConfig] =
        tf.serialization.SerializationMap.getMap().classNameMap[o1.getClassName()]!;
      const o2 = fromConfig(cls, o1.getConfig()) as tf.Optimizer;
      // Variable-keyed state is named after the variables (tfjs: 'w1/m'; deltaclip:
      // 'deltaclip/state/.../m/w1'); rename p1's variables to p2's.
      const renamed = weights.map((w) => {
        const segments = w.name.split('/');
        const mapped = segments.map((segment) => {
          const j = p1.vars.findIndex((v) => segment === encodeURIComponent(v.name));
          return j === -1 ? segment : encodeURIComponent(p2.vars[j]!.name);
        });
        return { name: mapped.join('/'), tensor: w.tensor };
      });
      await o2.setWeights(renamed);
      // Not disposed: tfjs's own optimizers return their live state from getWeights.
      expect(o2.iterations).toBe(o1.iterations);
      for (let i = 0; i < 5; i++) {
        step(o1, p1);
        step(o2, p2);
      }
      const resumed = snapshot(p2.vars).flat();
      const straight = snapshot(p1.vars).flat();
      if (resumeTolerance === 0) {
        expect(resumed).toEqual(straight);
      } else {
        resumed.forEach((x, k) => {
          const y = straight[k]!;
          expect(Math.abs(x - y)).toBeLessThanOrEqual(resumeTolerance * Math.max(1, Math.abs(y)));
        });
      }
      o1.dispose();
      o2.dispose();
      p1.dispose();
      p2.dispose();
    });
  });
}
