import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { assemble } from '../../../scripts/build-simd.mjs';
import { guardedAxpy } from '../guarded-axpy.js';
import { HOST_GUARDED_AXPY, HOST_SUM_OF_SQUARES } from '../host-memory.js';
import { sumOfSquares } from '../sum-of-squares.js';
import { SIMD_MODULE_PLAIN, SIMD_MODULE_SHARED } from './module.js';
import { simdKernelsFor } from './simd-kernels.js';

// Only tfjs's own wasm backend: these run through core's kernels (./host-memory.ts).
let previous: string;
beforeAll(async () => {
  previous = tf.getBackend();
  await tf.setBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend(previous);
});

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 8;
  }
  return out;
}

describe('the SIMD kernels over the wasm heap', () => {
  it('are built from kernels.wat exactly as committed', async () => {
    const { plain, shared } = (await assemble()) as { plain: string; shared: string };
    expect(plain).toBe(SIMD_MODULE_PLAIN);
    expect(shared).toBe(SIMD_MODULE_SHARED);
  });

  it('load on this engine (Node has WebAssembly SIMD), behind core’s own wasm kernels', () => {
    expect(simdKernelsFor(tf.backend())).not.toBeNull();
    tf.tidy(() => sumOfSquares(tf.ones([3])));
    expect(tf.getKernel(HOST_SUM_OF_SQUARES, 'wasm')).toBeDefined();
    expect(tf.getKernel(HOST_GUARDED_AXPY, 'wasm')).toBeDefined();
  });

  it('sum of squares equals a float64 sum of float32 squares, for lengths around the vector width', () => {
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 1000, 4099]) {
      const v = values(n, n + 1);
      let expected = 0;
      for (const x of v) expected += Math.fround(x * x);
      const got = tf.tidy(() => sumOfSquares(tf.tensor1d(v)).dataSync()[0]!);
      expect(got, `n = ${n}`).toBe(Math.fround(expected));
    }
    const withNaN = values(33, 5);
    withNaN[32] = Number.NaN;
    expect(tf.tidy(() => sumOfSquares(tf.tensor1d(withNaN)).dataSync()[0])).toBeNaN();
    const withInf = values(9, 5);
    withInf[3] = Number.POSITIVE_INFINITY;
    expect(tf.tidy(() => sumOfSquares(tf.tensor1d(withInf)).dataSync()[0])).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('axpy equals tfjs mul then add bit for bit, for lengths around the vector width', () => {
    for (const n of [1, 3, 4, 5, 8, 13, 1000, 4097]) {
      const x = values(n, 2 * n + 1);
      const y = values(n, 3 * n + 7);
      tf.tidy(() => {
        const a = tf.scalar(-0.0137);
        const fused = guardedAxpy(
          tf.tensor1d(x),
          tf.tensor1d(y),
          a,
          tf.scalar(true, 'bool'),
        ).dataSync();
        const composed = tf.add(tf.tensor1d(x), tf.mul(tf.tensor1d(y), a)).dataSync();
        expect(Array.from(fused), `n = ${n}`).toEqual(Array.from(composed));
      });
    }
  });
});
