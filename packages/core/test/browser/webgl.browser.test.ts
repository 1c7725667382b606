/**
 * The optimizer conformance suite (including the no-host-read check of applyGradients) on tfjs's
 * own WebGL backend, with only @deltaclip/core: in headless Chromium, WebGL2 renders through ANGLE
 * on SwiftShader (software Vulkan), float32 render targets included, so this is the same backend
 * code a user's GPU runs, slowly.
 */
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cosineSchedule, deltaGClip, globalNorm, sumOfSquares } from '../../src/index.js';
import { finiteFlags, guardedAxpy, selectByScalar } from '../../src/internal.js';
import {
  HOST_FINITE_FLAGS,
  HOST_GLOBAL_SUM_OF_SQUARES,
  HOST_GUARDED_AXPY,
  HOST_SELECT_BY_SCALAR,
  HOST_SUM_OF_SQUARES,
} from '../../src/kernels/host-memory.js';
import { countBackendReads } from '../../src/testing/backend-reads.js';
import { describeOptimizerConformance } from '../../src/testing/conformance.js';
import { CONFORMANCE_SUBJECTS } from '../conformance-subjects.js';

await tf.setBackend('webgl');
await tf.ready();

describe('the webgl backend under test', () => {
  it('is tfjs-backend-webgl on WebGL2 with float32 textures', () => {
    expect(tf.getBackend()).toBe('webgl');
    expect(tf.env().getNumber('WEBGL_VERSION')).toBe(2);
    expect(tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')).toBe(true);
  });

  it('runs a δ-GClip step of 1M parameters without a host read', async () => {
    const w = tf.variable(tf.randomNormal([1000, 1000], 0, 1, 'float32', 1));
    const g = tf.mul(w, 10); // ||g|| = 10 ||w|| ~ 1e4 > gamma/delta: the floored regime.
    const optimizer = deltaGClip({ learningRate: 0.1, gamma: 1, delta: 0.01 });
    const before = w.dataSync().slice(0, 4);
    optimizer.applyGradients({ [w.name]: g }); // compile the shaders outside the count
    const reads = await countBackendReads(() => {
      optimizer.applyGradients({ [w.name]: g });
    });
    expect(reads).toEqual({ sync: 0, async: 0 });
    // Two floored steps: w <- w - 2 * eta * delta * g = w (1 - 2 * 0.1 * 0.01 * 10).
    const after = w.dataSync().slice(0, 4);
    for (let i = 0; i < 4; i++) expect(after[i]).toBeCloseTo(before[i]! * (1 - 0.02), 5);
    tf.dispose([w, g]);
    optimizer.dispose();
  });
});

/** tfjs-backend-webgl's record of a tensor's texture (its internals, read only by these tests). */
function texRecord(t: tf.Tensor): { isPacked?: boolean; slice?: { flatOffset: number } } {
  const backend = tf.backend() as unknown as {
    texData: { get(id: tf.DataId): { isPacked?: boolean; slice?: { flatOffset: number } } };
  };
  return backend.texData.get(t.dataId);
}

/** Whether the tensor's texture holds four values a texel. */
function isPacked(t: tf.Tensor): boolean {
  return texRecord(t).isPacked === true;
}

/** Where a shallow slice starts in the texture it shares (undefined for a tensor of its own). */
function sliceOffset(t: tf.Tensor): number | undefined {
  return texRecord(t).slice?.flatOffset;
}

/** Deterministic values in [-2, 2), independent of tfjs's random ops. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 4;
  }
  return out;
}

describe("core's own webgl shaders (no backend package)", () => {
  it('sum of squares: one fused square-and-partial-sum pass, against a float64 sum', () => {
    for (const shape of [[1], [1023], [1024], [1025], [300, 7], [1_000_003]]) {
      const v = values(
        shape.reduce((a, b) => a * b, 1),
        shape[0]!,
      );
      let expected = 0;
      for (const x of v) expected += x * x;
      const got = tf.tidy(() => sumOfSquares(tf.tensor(v, shape)).dataSync()[0]!);
      expect(Math.abs(got - expected) / expected, `shape [${shape}]`).toBeLessThan(2e-6);
    }
    expect(tf.getKernel(HOST_SUM_OF_SQUARES, 'webgl')).toBeDefined();
    expect(tf.tidy(() => sumOfSquares(tf.zeros([0])).dataSync()[0])).toBe(0);
    const nan = values(5000, 3);
    nan[4321] = Number.NaN;
    expect(tf.tidy(() => sumOfSquares(tf.tensor1d(nan)).dataSync()[0])).toBeNaN();
    const inf = values(5000, 4);
    inf[7] = Number.POSITIVE_INFINITY;
    expect(tf.tidy(() => sumOfSquares(tf.tensor1d(inf)).dataSync()[0])).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('sum of squares of packed textures, odd edges and batches included, against float64', () => {
    // x + 1 on tfjs's packed add: 4 values a texel, and the padding texels of odd edges hold
    // 0 + 1 = 1, which the sum must leave out.
    // (More than 128 values each, so tfjs runs the add on the GPU, not on its host copy.)
    for (const shape of [
      [1001],
      [1025],
      [1001, 1],
      [300, 7],
      [7, 300],
      [3, 15, 7],
      [2, 3, 4, 6],
      [1000, 1000],
    ]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = values(n, 7 + shape.length);
      let expected = 0;
      for (const x of v) expected += Math.fround(x + 1) ** 2;
      const got = tf.tidy(() => {
        const packed = tf.add(tf.tensor(v, shape), tf.scalar(1));
        expect(isPacked(packed), `shape [${shape}] is packed`).toBe(true);
        return sumOfSquares(packed).dataSync()[0]!;
      });
      expect(Math.abs(got - expected) / expected, `shape [${shape}]`).toBeLessThan(2e-6);
    }
  });

  it('sum of squares of a slice that shares its source texture (from a flat offset)', () => {
    const v = values(20_000, 11);
    for (const [begin, size] of [
      [1000, 5000],
      [3, 17_000],
    ] as const) {
      let expected = 0;
      for (const x of v.subarray(begin, begin + size)) expected += x * x;
      const got = tf.tidy(() => {
        const slice = tf.slice(tf.tensor1d(v), [begin], [size]);
        expect(sliceOffset(slice)).toBe(begin);
        return sumOfSquares(slice).dataSync()[0]!;
      });
      expect(Math.abs(got - expected) / expected, `slice at ${begin}`).toBeLessThan(2e-6);
    }
  });

  it('global norm of many tensors: the partial sums of all of them in one final pass', () => {
    // Ten tensors: more than one final-sum program takes (8 inputs), so two levels run.
    const tensors = Array.from({ length: 10 }, (_, i) => values(1000 + 997 * i, 40 + i));
    let expected = 0;
    for (const v of tensors) for (const x of v) expected += x * x;
    const got = tf.tidy(() => globalNorm(tensors.map((v) => tf.tensor1d(v))).dataSync()[0]!);
    expect(Math.abs(got - Math.sqrt(expected)) / Math.sqrt(expected)).toBeLessThan(2e-6);
    expect(tf.getKernel(HOST_GLOBAL_SUM_OF_SQUARES, 'webgl')).toBeDefined();
  });

  it('guarded axpy: x + alpha y when the guard holds, x exactly when not (NaN in y)', () => {
    const x = values(2051, 5);
    const y = values(2051, 6);
    tf.tidy(() => {
      const alpha = tf.scalar(-0.25);
      const on = guardedAxpy(tf.tensor1d(x), tf.tensor1d(y), alpha, tf.scalar(true, 'bool'));
      const got = on.dataSync();
      for (let i = 0; i < x.length; i++) {
        expect(got[i]).toBeCloseTo(x[i]! - 0.25 * y[i]!, 5);
      }
      const bad = y.slice();
      bad[100] = Number.NaN;
      const off = guardedAxpy(tf.tensor1d(x), tf.tensor1d(bad), alpha, tf.scalar(false, 'bool'));
      expect(Array.from(off.dataSync())).toEqual(Array.from(x));
    });
    expect(tf.getKernel(HOST_GUARDED_AXPY, 'webgl')).toBeDefined();
  });

  it('guarded axpy on packed textures: packed out, x exactly when the guard is off', () => {
    const shape = [13, 15, 17];
    const x = values(3315, 8);
    const y = values(3315, 9);
    y[50] = Number.NaN;
    tf.tidy(() => {
      const px = tf.add(tf.tensor(x, shape), tf.scalar(0));
      const py = tf.add(tf.tensor(y, shape), tf.scalar(0));
      expect(isPacked(px) && isPacked(py)).toBe(true);
      const alpha = tf.scalar(-0.5);
      const on = guardedAxpy(px, py, alpha, tf.scalar(true, 'bool'));
      expect(isPacked(on)).toBe(true);
      expect(on.shape).toEqual(shape);
      const got = on.dataSync();
      for (let i = 0; i < x.length; i++) {
        if (i === 50) expect(got[i]).toBeNaN();
        else expect(got[i]).toBe(Math.fround(x[i]! + Math.fround(-0.5 * y[i]!)));
      }
      const off = guardedAxpy(px, py, alpha, tf.scalar(false, 'bool'));
      expect(Array.from(off.dataSync())).toEqual(Array.from(x));
    });
  });

  it('select by scalar of full-size tensors, packed (tfjs Add) or not (tfjs Round), kept so', () => {
    const whole = (seed: number) => values(2100, seed).map((v) => Math.round(v) + 0); // no -0
    const [a, b] = [whole(12), whole(13)];
    tf.tidy(() => {
      for (const layout of [(t: tf.Tensor) => tf.add(t, 0), (t: tf.Tensor) => tf.round(t)]) {
        const ta = layout(tf.tensor2d(a, [300, 7]));
        const tb = layout(tf.tensor2d(b, [300, 7]));
        for (const [condition, expected] of [
          [true, a],
          [false, b],
        ] as const) {
          const picked = selectByScalar(tf.scalar(condition, 'bool'), ta, tb);
          expect(isPacked(picked)).toBe(isPacked(ta));
          expect(Array.from(picked.dataSync())).toEqual(Array.from(expected));
        }
      }
      expect(isPacked(tf.round(tf.tensor2d(a, [300, 7])))).toBe(false);
    });
  });

  it('finite flags of packed and unpacked scalars, in the layout of the input', () => {
    for (const x of [
      1.5,
      0,
      -3.4e38,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]) {
      tf.tidy(() => {
        // tfjs's packed Abs and its unpacked Sum, each of x on the GPU.
        const packed = tf.reshape(tf.abs(tf.fill([1], x)), []) as tf.Scalar;
        const unpacked = tf.sum(tf.fill([1], x)) as tf.Scalar;
        expect([isPacked(packed), isPacked(unpacked)]).toEqual([true, false]);
        const expected = Number.isFinite(x) ? 1 : 0;
        for (const input of [packed, unpacked]) {
          const { finite, notFinite } = finiteFlags(input);
          expect(finite.dtype).toBe('bool');
          expect(notFinite.shape).toEqual([]);
          expect([finite.dataSync()[0], notFinite.dataSync()[0]], `x = ${x}`).toEqual([
            expected,
            1 - expected,
          ]);
          expect(isPacked(finite)).toBe(isPacked(input));
        }
      });
    }
    expect(tf.getKernel(HOST_FINITE_FLAGS, 'webgl')).toBeDefined();
  });

  it('select by scalar: a or b whole, tensors and scalars, float32 and int32', () => {
    tf.tidy(() => {
      const a = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
      const b = tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32');
      expect(Array.from(selectByScalar(tf.scalar(true, 'bool'), a, b).dataSync())).toEqual([
        1, 2, 3, 4,
      ]);
      const picked = selectByScalar(tf.scalar(false, 'bool'), a, b);
      expect(picked.dtype).toBe('int32');
      expect(Array.from(picked.dataSync())).toEqual([5, 6, 7, 8]);
      const s = selectByScalar(tf.scalar(false, 'bool'), tf.scalar(1.5), tf.scalar(-2));
      expect(s.dataSync()[0]).toBe(-2);
    });
    expect(tf.getKernel(HOST_SELECT_BY_SCALAR, 'webgl')).toBeDefined();
  });
});

describe('shader passes of one δ-GClip step on packed gradients (guard and telemetry on)', () => {
  /**
   * The programs one step runs (after two steps, once the variables hold their update's layout),
   * and how many it compiled: a learning rate that changes every step must not be baked into a
   * shader's source (tfjs caches compiled programs by source and shapes).
   */
  function passes(variables: number): { names: string[]; compiled: number } {
    const packed = (seed: number) => tf.add(tf.tensor2d(values(4000, seed), [40, 100]), 0);
    const vars = Array.from({ length: variables }, (_, i) => tf.variable(packed(10 + i)));
    const grads = Object.fromEntries(vars.map((v, i) => [v.name, packed(100 + i)]));
    expect(Object.values(grads).every(isPacked)).toBe(true);
    const schedule = cosineSchedule({ decaySteps: 10 });
    const optimizer = deltaGClip({ learningRate: 0.1, gamma: 1, delta: 0.01, schedule });
    optimizer.applyGradients(grads);
    optimizer.applyGradients(grads);
    const backend = tf.backend() as unknown as {
      runWebGLProgram(program: object, ...rest: unknown[]): unknown;
      binaryCache: Record<string, unknown>;
    };
    const cached = Object.keys(backend.binaryCache).length;
    const run = backend.runWebGLProgram;
    const names: string[] = [];
    backend.runWebGLProgram = function (program, ...rest) {
      names.push(program.constructor.name);
      return run.call(this, program, ...rest);
    };
    try {
      optimizer.applyGradients(grads);
    } finally {
      backend.runWebGLProgram = run;
    }
    const compiled = Object.keys(backend.binaryCache).length - cached;
    expect(vars.every(isPacked)).toBe(true);
    tf.dispose([...vars, ...Object.values(grads)]);
    optimizer.dispose();
    return { names, compiled };
  }

  it('converts no texture between layouts, compiles nothing, and adds two passes a variable', () => {
    const runs = [passes(4), passes(40)];
    for (const { names, compiled } of runs) {
      expect(names.filter((n) => n === 'PackProgram' || n === 'UnpackProgram')).toEqual([]);
      expect(compiled).toBe(0);
    }
    const [four, forty] = runs.map((r) => r.names) as [string[], string[]];
    // Per variable: its partial sums and its update; the partial sums of every variable meet in
    // one final fragment per 8 of them (and one over those).
    expect(forty.length - four.length).toBe(36 * 2 + 5);
    // Four partial sums, four updates, and 12 small passes: the final sum, sqrt, the guard and its
    // negation, δ-GClip's scale and regime, the step size times -eta (and the upload of -eta), the
    // skipped counter, the telemetry row (and the upload of eta) and the regime counts.
    expect(four.length).toBe(20);
  });
});

for (const subject of CONFORMANCE_SUBJECTS) {
  describeOptimizerConformance({ ...subject, name: `${subject.name} (webgl)` });
}
