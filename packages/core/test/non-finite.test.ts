import { DeltaclipError } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deltaGClip, gClip, NonFiniteGradientError } from '../src/index.js';
import { countBackendReads } from '../src/testing/backend-reads.js';

let n = 0;
function vars() {
  n += 1;
  return [
    tf.variable(tf.tensor1d([1, 2]), true, `nf_a_${n}`),
    tf.variable(tf.tensor1d([3, 4, 5]), true, `nf_b_${n}`),
  ] as const;
}

describe('non-finite gradients', () => {
  it("'skip' (default): nothing changes, the step counts as skipped with h = 0, without a sync", async () => {
    const [a, b] = vars();
    const optimizer = deltaGClip({ learningRate: 0.1, telemetry: { history: true } });
    const good = { [a.name]: tf.tensor1d([0.1, 0.1]), [b.name]: tf.tensor1d([0.1, 0.1, 0.1]) };
    const bad = {
      [a.name]: tf.tensor1d([0.1, 0.1]),
      [b.name]: tf.tensor1d([0.1, Number.NaN, 0.1]),
    };
    optimizer.applyGradients(good);
    const before = [Array.from(a.dataSync()), Array.from(b.dataSync())];
    const reads = await countBackendReads(() => optimizer.applyGradients(bad));
    expect(reads.sync).toBe(0);
    expect([Array.from(a.dataSync()), Array.from(b.dataSync())]).toEqual(before);
    optimizer.applyGradients(good);
    const records = await optimizer.telemetry.flush();
    // Default gamma 0.1 < ||g|| = sqrt(0.05): clipped.
    expect(records.map((r) => r.regime)).toEqual(['clipped', 'skipped', 'clipped']);
    expect(records[1]!.stepSize).toBe(0);
    expect(Number.isNaN(records[1]!.gradNorm)).toBe(true);
    expect(optimizer.iterations).toBe(3);
    const weights = await optimizer.getWeights();
    const skipped = weights.find((w) => w.name.endsWith('/skipped'))!;
    expect(skipped.tensor.dataSync()[0]).toBe(1);
    tf.dispose([...Object.values(good), ...Object.values(bad), a, b]);
    optimizer.dispose();
  });

  it("'throw': a NonFiniteGradientError naming the step and the first bad variable; nothing changes", () => {
    const [a, b] = vars();
    const optimizer = deltaGClip({ learningRate: 0.1, nonFinite: 'throw' });
    const g = { [a.name]: tf.tensor1d([0.1, 0.1]), [b.name]: tf.tensor1d([Infinity, 0, 0]) };
    const ok = { [a.name]: tf.tensor1d([0.1, 0.1]), [b.name]: tf.tensor1d([0, 0, 0.2]) };
    optimizer.applyGradients(ok);
    optimizer.applyGradients(ok);
    const before = tf.memory().numTensors;
    const snapshot = [Array.from(a.dataSync()), Array.from(b.dataSync())];
    let error: unknown;
    try {
      optimizer.applyGradients(g);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonFiniteGradientError);
    const e = error as NonFiniteGradientError;
    expect(e.step).toBe(2);
    expect(e.variableName).toBe(b.name);
    expect(e.message).toContain(
      `Non-finite gradient at step 2: the gradient of variable '${b.name}'`,
    );
    expect([Array.from(a.dataSync()), Array.from(b.dataSync())]).toEqual(snapshot);
    expect(optimizer.iterations).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...Object.values(g), ...Object.values(ok), a, b]);
    optimizer.dispose();
  });

  it("'throw' through minimize(): no tensor leaks over many throwing calls, weights unchanged", () => {
    const [a, b] = vars();
    const optimizer = deltaGClip({ learningRate: 0.1, nonFinite: 'throw' });
    // log(0) = -Infinity: a loss whose gradient is not finite.
    const loss = () => tf.add(tf.sum(tf.log(tf.mul(a, 0))), tf.sum(tf.mul(b, 2))) as tf.Scalar;
    const snapshot = [Array.from(a.dataSync()), Array.from(b.dataSync())];
    // The first call creates the optimizer's state (kept for its lifetime); then nothing may grow.
    expect(() => optimizer.minimize(loss)).toThrow(NonFiniteGradientError);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      expect(() => optimizer.minimize(loss, true, [a, b])).toThrow(NonFiniteGradientError);
      expect(() => optimizer.minimize(loss)).toThrow(NonFiniteGradientError);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect([Array.from(a.dataSync()), Array.from(b.dataSync())]).toEqual(snapshot);
    expect(optimizer.iterations).toBe(0);
    tf.dispose([a, b]);
    optimizer.dispose();
  });

  it('NonFiniteGradientError is a DeltaclipError with code NON_FINITE_GRADIENT', () => {
    const error = new NonFiniteGradientError(3, 'w');
    expect(DeltaclipError.is(error)).toBe(true);
    expect(NonFiniteGradientError.is(error)).toBe(true);
    expect(error.code).toBe('NON_FINITE_GRADIENT');
    expect(error.name).toBe('NonFiniteGradientError');
  });
});

/**
 * The authors' δ-GClip step in float64 with Python's semantics, written from the rule
 * h = eta * min(1, max(delta, gamma / ||g||)), w <- w - h (g + lambda w): Python's max(a, b)
 * keeps a unless b > a (so max(delta, nan) is delta), min(a, b) keeps a unless b < a, and a zero
 * norm skips the step.
 */
function authorsStep(
  w: readonly number[],
  g: readonly number[],
  o: { eta: number; gamma: number; delta: number; lambda: number },
): number[] {
  const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
  if (norm === 0) return [...w];
  const pyMax = (x: number, y: number) => (y > x ? y : x);
  const pyMin = (x: number, y: number) => (y < x ? y : x);
  const h = o.eta * pyMin(1, pyMax(o.delta, o.gamma / norm));
  return w.map((wk, k) => wk - h * (g[k]! + o.lambda * wk));
}

describe("nonFinite: 'apply' is the authors' rule (float64 reference)", () => {
  const w0 = [1, -2, 0.5, 3];
  const cases: [string, number[]][] = [
    ['a NaN entry', [0.3, Number.NaN, -0.2, 0.1]],
    ['an Infinity entry', [0.3, Number.POSITIVE_INFINITY, -0.2, 0.1]],
    ['a -Infinity entry', [0.3, 0.1, Number.NEGATIVE_INFINITY, 0.1]],
  ];
  const settings = [
    { eta: 0.5, gamma: 1, delta: 0.1, lambda: 0 },
    { eta: 0.5, gamma: 1, delta: 0.1, lambda: 0.01 },
    { eta: 0.5, gamma: 1, delta: 0, lambda: 0 },
    { eta: 0.5, gamma: 1, delta: 2, lambda: 0 },
  ];
  for (const [what, g] of cases) {
    for (const o of settings) {
      it(`${what}, delta ${o.delta}, weight decay ${o.lambda}`, async () => {
        const v = tf.variable(tf.tensor1d(w0), true, `apply_${n++}`);
        const optimizer = deltaGClip({
          learningRate: o.eta,
          gamma: o.gamma,
          delta: o.delta,
          weightDecay: o.lambda,
          nonFinite: 'apply',
          telemetry: { history: true },
        });
        const grad = tf.tensor1d(g);
        optimizer.applyGradients({ [v.name]: grad });
        const expected = authorsStep(w0, g, o);
        const actual = Array.from(v.dataSync());
        actual.forEach((x, k) => {
          const e = expected[k]!;
          if (Number.isFinite(e))
            expect(Math.abs(x - e)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(e)));
          else expect(x).toBe(e); // NaN equals NaN and Infinity its own sign under toBe
        });
        // Finite entries moved (unless h = 0 with delta = 0), and nothing reports the step as skipped.
        const [record] = await optimizer.telemetry.flush();
        expect(record!.regime).not.toBe('skipped');
        const h = o.eta * Math.min(1, o.delta);
        expect(record!.stepSize).toBeCloseTo(h, 6);
        if (h > 0) expect(actual[0]).not.toBe(w0[0]);
        expect(optimizer.iterations).toBe(1);
        tf.dispose([v, grad]);
        optimizer.dispose();
      });
    }
  }

  it('GClip under apply: h = 0, finite entries stay, non-finite ones become NaN (0 * Inf)', () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, `apply_${n++}`);
    const optimizer = gClip({ learningRate: 0.5, gamma: 1, nonFinite: 'apply' });
    const grad = tf.tensor1d([0.5, Number.POSITIVE_INFINITY]);
    optimizer.applyGradients({ [v.name]: grad });
    const [first, second] = Array.from(v.dataSync());
    expect(first).toBe(1);
    expect(second).toBeNaN();
    tf.dispose([v, grad]);
    optimizer.dispose();
  });
});
