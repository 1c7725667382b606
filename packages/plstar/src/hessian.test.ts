import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  f32,
  flatten,
  matmul,
  orthonormalColumns,
  relativeError,
  transpose,
} from '../test/reference.js';
import { topHessianEigenvalue } from './hessian.js';
import { hessianVectorProduct } from './hvp.js';

/** A = Q diag(lambda) Q^T (float64, row-major) and the quadratic 0.5 w^T A w + b^T w over one variable. */
function quadratic(lambda: readonly number[], seed: number, name: string) {
  const p = lambda.length;
  const Q = orthonormalColumns(p, p, seed);
  const QL = Q.map((q, i) => q * lambda[i % p]!);
  const A = matmul(QL, transpose(Q, p, p), p, p, p);
  const a = tf.tensor2d(f32(A), [p, p]);
  const b = tf.randomNormal([p, 1], 0, 1, 'float32', seed);
  const w = tf.variable(tf.randomNormal([p, 1], 0, 1, 'float32', seed + 1), true, name);
  const lossFn = () =>
    tf.tidy(() => {
      const aw = tf.matMul(a, w);
      return tf.add(tf.mul(0.5, tf.sum(tf.mul(w, aw))), tf.sum(tf.mul(b, w))) as tf.Scalar;
    });
  return { A, p, w, lossFn, dispose: () => tf.dispose([a, b, w]) };
}

function rel(x: number, y: number) {
  return Math.abs(x - y) / Math.abs(y);
}

describe('Hessian-vector products of a quadratic', () => {
  for (const method of ['finite-difference', 'exact'] as const) {
    it(`${method}: H v = A v, and the weights come back bit for bit`, () => {
      const q = quadratic([4, 3, 2, 1, 0.5, -0.5, -1, 0.1], 1, `hq_hvp_${method}`);
      const before = Float32Array.from(q.w.dataSync());
      const vData = Array.from({ length: q.p }, (_, i) => Math.sin(i + 1));
      const v = [tf.tensor2d(vData, [q.p, 1])];
      const tensorsBefore = tf.memory().numTensors;
      const hv = hessianVectorProduct(q.lossFn, [q.w], v, { method });
      expect(tf.memory().numTensors - tensorsBefore).toBe(1);
      const expected = matmul(q.A, Float64Array.from(f32(vData)), q.p, q.p, 1);
      expect(relativeError(flatten(hv), expected)).toBeLessThan(method === 'exact' ? 1e-6 : 1e-4);
      expect(Float32Array.from(q.w.dataSync())).toEqual(before);
      tf.dispose([...hv, ...v]);
      q.dispose();
    });
  }

  it('rejects a vector of the wrong shape', () => {
    const q = quadratic([1, 2], 2, 'hq_shape');
    const v = [tf.ones([3, 1])];
    expect(() => hessianVectorProduct(q.lossFn, [q.w], v)).toThrow(
      "vector[0] must have the shape of variable 'hq_shape' [2,1] (got [3,1])",
    );
    expect(() => hessianVectorProduct(q.lossFn, [q.w], [])).toThrow(
      'vector must have one tensor per variable (1), got 0',
    );
    expect(() => hessianVectorProduct(q.lossFn, [q.w], v, { method: 'newton' as 'exact' })).toThrow(
      "hvp.method must be one of 'finite-difference', 'exact' (got \"newton\")",
    );
    tf.dispose(v);
    q.dispose();
  });
});

describe('top Hessian eigenvalue of a quadratic', () => {
  for (const method of ['finite-difference', 'exact'] as const) {
    it(`${method}: finds the known top eigenvalue`, async () => {
      const q = quadratic([6, 3, 2, 1, 0.5, 0.2, -0.3, -1, 0.05, 1.5], 3, `hq_top_${method}`);
      const top = await topHessianEigenvalue(q.lossFn, [q.w], {
        iterations: 50,
        tolerance: 1e-7,
        hvp: { method },
      });
      expect(rel(top.eigenvalue, 6)).toBeLessThan(1e-3);
      expect(top.converged).toBe(true);
      expect(top.history.length).toBe(top.iterations);
      q.dispose();
    });
  }

  it('reports a dominant negative eigenvalue signed, and beta as its magnitude', async () => {
    const q = quadratic([-7, 3, 2, 1, -0.5, 0.2], 4, 'hq_neg');
    const top = await topHessianEigenvalue(q.lossFn, [q.w], { iterations: 60, tolerance: 1e-7 });
    expect(rel(top.eigenvalue, -7)).toBeLessThan(1e-3);
    expect(rel(top.beta, 7)).toBeLessThan(1e-3);
    q.dispose();
  });

  it('a warm start from the returned vector converges at once, and nothing leaks', async () => {
    const q = quadratic([5, 2, 1, 0.5, 0.3], 5, 'hq_warm');
    const before = tf.memory().numTensors;
    const first = await topHessianEigenvalue(q.lossFn, [q.w], {
      iterations: 60,
      tolerance: 1e-7,
      returnVector: true,
    });
    expect(first.vector).toHaveLength(1);
    const again = await topHessianEigenvalue(q.lossFn, [q.w], {
      iterations: 60,
      tolerance: 1e-4,
      initial: first.vector!,
    });
    expect(again.iterations).toBeLessThanOrEqual(2);
    expect(rel(again.eigenvalue, 5)).toBeLessThan(1e-3);
    tf.dispose(first.vector!);
    expect(tf.memory().numTensors).toBe(before);
    q.dispose();
  });

  it('is reproducible: the same seed gives the same run', async () => {
    const q = quadratic([3, 2.9, 1, 0.5], 8, 'hq_seed');
    const a = await topHessianEigenvalue(q.lossFn, [q.w], { iterations: 5, seed: 0 });
    const b = await topHessianEigenvalue(q.lossFn, [q.w], { iterations: 5, seed: 0 });
    const c = await topHessianEigenvalue(q.lossFn, [q.w], { iterations: 5, seed: 1 });
    expect(b.history).toEqual(a.history);
    expect(c.history).not.toEqual(a.history);
    q.dispose();
  });

  it('checks its options', async () => {
    const q = quadratic([1, 2], 6, 'hq_opts');
    await expect(topHessianEigenvalue(q.lossFn, [q.w], { iterations: 0 })).rejects.toThrow(
      'iterations must be an integer >= 1 (got 0)',
    );
    await expect(
      topHessianEigenvalue(q.lossFn, [q.w], { hvp: { relativeStep: -1 } }),
    ).rejects.toThrow('hvp.relativeStep must be > 0 (got -1)');
    q.dispose();
  });
});
