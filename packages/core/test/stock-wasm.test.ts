/**
 * @deltaclip/core alone on tfjs's own wasm backend: core's kernels (WebAssembly SIMD over the
 * heap) update variables in place where tfjs's reference counting allows it and never otherwise,
 * the optimizer conformance suite holds through them, and a step costs a bounded number of
 * kernel dispatches.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deltaGClip } from '../src/index.js';
import { GUARDED_AXPY, guardedAxpy, SUM_OF_SQUARES } from '../src/internal.js';
import { describeOptimizerConformance } from '../src/testing/conformance.js';
import { CONFORMANCE_SUBJECTS } from './conformance-subjects.js';

await tf.setBackend('wasm');
await tf.ready();

interface WasmHeap {
  getMemoryOffset(dataId: tf.DataId): number;
  refCount(dataId: tf.DataId): number;
}
const heap = () => tf.backend() as unknown as WasmHeap;

/** Deterministic values in [-1, 1), independent of tfjs's random ops. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** A variable whose buffer only the variable holds (its initial tensor disposed). */
function soleVariable(init: Float32Array): tf.Variable {
  const t = tf.tensor1d(init);
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** w - eta g in float64, rounded like tfjs (the product to float32, then the sum). */
function sgdReference(w: Float32Array, g: Float32Array, eta: number): number[] {
  const a = Math.fround(-eta);
  return Array.from(w, (wi, i) => Math.fround(wi + Math.fround(a * g[i]!)));
}

describe('δ-GClip on stock tfjs-backend-wasm with only @deltaclip/core', () => {
  it('has no deltaclip kernel under the shared names (core’s own ones run)', () => {
    expect(tf.getKernel(GUARDED_AXPY, 'wasm')).toBeUndefined();
    expect(tf.getKernel(SUM_OF_SQUARES, 'wasm')).toBeUndefined();
  });

  it('updates a variable that nothing else holds in its own buffer, with SGD’s rounding', () => {
    const w0 = values(1003, 1);
    const g = values(1003, 2).map((x) => x * 1e-3); // ||g|| ~ 0.018 < gamma: h = eta
    const v = soleVariable(w0);
    const grad = tf.tensor1d(g);
    const opt = deltaGClip({ learningRate: 0.5, gamma: 1, delta: 0.01 });
    const dataId = v.dataId;
    const offset = heap().getMemoryOffset(dataId);
    expect(heap().refCount(dataId)).toBe(1);
    // The first step creates the optimizer's state and telemetry; count from the second on.
    opt.applyGradients({ [v.name]: grad });
    let expected = sgdReference(w0, g, 0.5);
    const before = tf.memory();
    for (let step = 1; step < 5; step++) {
      opt.applyGradients({ [v.name]: grad });
      expected = sgdReference(Float32Array.from(expected), g, 0.5);
    }
    expect(v.dataId).toBe(dataId);
    expect(heap().getMemoryOffset(v.dataId)).toBe(offset);
    expect(Array.from(v.dataSync())).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([v, grad]);
    opt.dispose();
  });

  it('never writes a buffer a tensor the user holds shares: a clone, the initial value', () => {
    const w0 = values(257, 3);
    const g = values(257, 4).map((x) => x * 1e-3);
    const grad = tf.tensor1d(g);
    const opt = deltaGClip({ learningRate: 0.5, gamma: 1, delta: 0.01 });

    const init = tf.tensor1d(w0);
    const v = tf.variable(init); // init still held: the buffer has two holders
    const held = tf.clone(v); // a third
    opt.applyGradients({ [v.name]: grad });
    expect(v.dataId).not.toBe(init.dataId);
    expect(Array.from(init.dataSync())).toEqual(Array.from(w0));
    expect(Array.from(held.dataSync())).toEqual(Array.from(w0));
    expect(Array.from(v.dataSync())).toEqual(sgdReference(w0, g, 0.5));

    // From then on the variable's buffer is its own: later steps stay in it.
    const own = v.dataId;
    opt.applyGradients({ [v.name]: grad });
    expect(v.dataId).toBe(own);
    tf.dispose([init, held, v, grad]);
    opt.dispose();
  });

  it('guardedAxpy writes x in place only when asked, and never under a gradient tape', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.tensor1d([1, 1, 1]);
    const alpha = tf.scalar(0.5);
    const on = tf.scalar(true, 'bool');
    // Not asked: x is the caller's tensor, refCount 1, and must stay as it is.
    const out = guardedAxpy(x, y, alpha, on);
    expect(out.dataId).not.toBe(x.dataId);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    // Under a tape the inputs may be saved for the backward pass: a fresh buffer even if asked.
    // (The kernel has no gradient: the taped op stays off the path to the loss.)
    const z = tf.tensor1d([5, 6]);
    let taped: tf.Tensor | undefined;
    const dz = tf.grad((t: tf.Tensor) => {
      taped = tf.keep(guardedAxpy(x, y, alpha, on, { inPlace: true }));
      return tf.sum(tf.mul(t, 2));
    })(z);
    expect(taped!.dataId).not.toBe(x.dataId);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(taped!.dataSync())).toEqual([1.5, 2.5, 3.5]);
    expect(Array.from(dz.dataSync())).toEqual([2, 2]);
    tf.dispose([x, y, alpha, on, out, z, dz, taped!]);
  });

  it('makes a matMul see the new weights (tfjs-backend-wasm caches packed weights by tensor id)', () => {
    // XNNPACK packs a matMul's weight operand once per tensor id.
    const aValues = [1, 2, 3, 4, 5, 6];
    const a = tf.tensor2d(aValues, [2, 3]);
    const w = soleVariable(Float32Array.from([0.5, -1, 2, 0.25, -0.75, 1.5]));
    const grad = tf.tensor1d([0.01, 0.02, -0.03, 0.04, 0.05, -0.06]);
    const opt = deltaGClip({ learningRate: 1, gamma: 1, delta: 0.01 }); // ||g|| < gamma: h = 1
    for (let step = 0; step < 3; step++) {
      const wv = w.dataSync();
      const product = tf.tidy(() => tf.matMul(a, tf.reshape(w, [3, 2])).dataSync());
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          let expected = 0;
          for (let k = 0; k < 3; k++) expected += aValues[i * 3 + k]! * wv[k * 2 + j]!;
          expect(product[i * 2 + j]).toBeCloseTo(expected, 5);
        }
      }
      const id = w.dataId;
      opt.applyGradients({ [w.name]: grad });
      expect(w.dataId).toBe(id); // in place
    }
    tf.dispose([a, w, grad]);
    opt.dispose();
  });

  it('leaves every weight as it was, in place, when the gradient has a NaN', () => {
    const w0 = values(64, 5);
    const v = soleVariable(w0);
    const bad = values(64, 6);
    bad[17] = Number.NaN;
    const grad = tf.tensor1d(bad);
    const opt = deltaGClip({ learningRate: 0.5, gamma: 1, delta: 0.01 });
    opt.applyGradients({ [v.name]: grad });
    expect(Array.from(v.dataSync())).toEqual(Array.from(w0));
    tf.dispose([v, grad]);
    opt.dispose();
  });
});

describe('kernel dispatches of one δ-GClip step (guard and telemetry on)', () => {
  async function dispatches(variables: number): Promise<Record<string, number>> {
    const vars = Array.from({ length: variables }, (_, i) => soleVariable(values(100, 10 + i)));
    const grads = Object.fromEntries(
      vars.map((v, i) => [v.name, tf.tensor1d(values(100, 50 + i))]),
    );
    const opt = deltaGClip({ learningRate: 0.1, gamma: 1, delta: 0.01 });
    opt.applyGradients(grads); // create the state and telemetry outside the count
    const { kernels } = await tf.profile(() => {
      opt.applyGradients(grads);
    });
    tf.dispose([...vars, ...Object.values(grads)]);
    opt.dispose();
    const counts: Record<string, number> = {};
    for (const k of kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
    return counts;
  }
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

  it('is one update per variable plus a fixed number of scalar ops, one norm pass in all', async () => {
    const four = await dispatches(4);
    const forty = await dispatches(40);
    // One dispatch per added variable (its update); the norm of all of them is one dispatch.
    expect(total(forty) - total(four)).toBe(36);
    expect(four.DeltaClipHostGuardedAxpy).toBe(4);
    expect(four.DeltaClipHostGlobalSumOfSquares).toBe(1);
    expect(forty.DeltaClipHostGlobalSumOfSquares).toBe(1);
    expect(four.DeltaClipHostDeltaGClipScalars).toBe(1);
    expect(four.DeltaClipHostTelemetryStep).toBe(1);
    // The rest is scalar arithmetic (sqrt, the guard and its counter, the learning rate): 13
    // dispatches in all for four variables, 64 before the fused norm, δ-GClip scalars and
    // telemetry kernels.
    expect(total(four)).toBeLessThanOrEqual(13);
  });
});

for (const subject of CONFORMANCE_SUBJECTS) {
  describeOptimizerConformance({ ...subject, name: `${subject.name} (stock wasm, core only)` });
}
