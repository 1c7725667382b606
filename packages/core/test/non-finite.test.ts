import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deltaGClip, NonFiniteGradientError, withGlobalNormClipping } from '../src/index.js';
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

  it("'apply': the non-finite gradient reaches the variables (the paper code's behaviour)", () => {
    const [a, b] = vars();
    const optimizer = deltaGClip({ learningRate: 0.1, nonFinite: 'apply' });
    const g = { [a.name]: tf.tensor1d([0.1, 0.1]), [b.name]: tf.tensor1d([Number.NaN, 0, 0]) };
    optimizer.applyGradients(g);
    expect(Array.from(b.dataSync()).some(Number.isNaN)).toBe(true);
    tf.dispose([...Object.values(g), a, b]);
    optimizer.dispose();
  });

  it('withGlobalNormClipping skips a non-finite step and leaves the wrapped Adam state alone', async () => {
    const [a] = vars();
    const optimizer = withGlobalNormClipping(tf.train.adam(0.1), 1);
    const good = tf.tensor1d([0.5, -0.5]);
    optimizer.applyGradients({ [a.name]: good });
    const value = Array.from(a.dataSync());
    const weights = (await optimizer.getWeights()).map((w) => Array.from(w.tensor.dataSync()));
    const bad = tf.tensor1d([Number.NaN, 1]);
    optimizer.applyGradients({ [a.name]: bad });
    expect(Array.from(a.dataSync())).toEqual(value);
    expect((await optimizer.getWeights()).map((w) => Array.from(w.tensor.dataSync()))).toEqual(
      weights,
    );
    expect((await optimizer.telemetry.counts()).skipped).toBe(1);
    tf.dispose([good, bad, a]);
    optimizer.dispose();
  });
});
