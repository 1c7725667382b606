import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testData } from '../../test/helpers.js';
import { type Matrix, map, matMul, maxRelativeError, toMatrix } from '../../test/reference.js';
import { ParameterStore } from '../parameter-store.js';
import { applySelfAttention, createSelfAttention } from './self-attention.js';

/** Multi-head self-attention for one sequence x [T, D], in float64, from the definition. */
function referenceAttention(
  x: Matrix,
  qkvKernel: Matrix,
  qkvBias: ArrayLike<number>,
  outKernel: Matrix,
  outBias: ArrayLike<number>,
  heads: number,
  causal: boolean,
): Matrix {
  const d = x[0]!.length;
  const dh = d / heads;
  const qkv = map(matMul(x, qkvKernel), (v, _r, c) => v + qkvBias[c]!);
  const t = x.length;
  const context: Matrix = Array.from({ length: t }, () => new Array<number>(d).fill(0));
  for (let h = 0; h < heads; h++) {
    const col = (part: number, r: number, j: number) => qkv[r]![part * d + h * dh + j]!;
    for (let i = 0; i < t; i++) {
      const scores = Array.from({ length: t }, (_, k) => {
        if (causal && k > i) return Number.NEGATIVE_INFINITY;
        let s = 0;
        for (let j = 0; j < dh; j++) s += col(0, i, j) * col(1, k, j);
        return s / Math.sqrt(dh);
      });
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const z = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < dh; j++) {
        context[i]![h * dh + j] = e.reduce((s, p, k) => s + (p / z) * col(2, k, j), 0);
      }
    }
  }
  return map(matMul(context, outKernel), (v, _r, c) => v + outBias[c]!);
}

describe('self-attention', () => {
  for (const causal of [false, true]) {
    it(`matches a float64 reference (${causal ? 'causal' : 'bidirectional'}, 2 heads)`, () => {
      const store = new ParameterStore('attention-test', 5);
      const width = 4;
      const layer = createSelfAttention(store, 'a', {
        width,
        heads: 2,
        kernelInit: { kind: 'normal', std: 0.7 },
      });
      // Non-zero biases, so that their placement is checked too.
      layer.qkv.bias!.assign(tf.mul(testData([3 * width], 9), 0.5));
      layer.output.bias!.assign(testData([width], 10));
      const x = testData([2, 3, width], 11);
      const y = applySelfAttention(layer, x as tf.Tensor3D, causal);
      expect(y.shape).toEqual([2, 3, width]);
      const xs = x.dataSync();
      const expected: number[] = [];
      for (let n = 0; n < 2; n++) {
        const seq = toMatrix(xs.slice(n * 3 * width, (n + 1) * 3 * width), 3, width);
        expected.push(
          ...referenceAttention(
            seq,
            toMatrix(layer.qkv.kernel.dataSync(), width, 3 * width),
            layer.qkv.bias!.dataSync(),
            toMatrix(layer.output.kernel.dataSync(), width, width),
            layer.output.bias!.dataSync(),
            2,
            causal,
          ).flat(),
        );
      }
      expect(maxRelativeError(y.dataSync(), expected)).toBeLessThan(1e-5);
      tf.dispose([x, y]);
      store.dispose();
    });
  }
});
