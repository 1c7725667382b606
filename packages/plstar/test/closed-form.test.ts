/**
 * Linear least squares with a prescribed spectrum: X = U diag(s) V^T, so the tangent kernel X X^T
 * has eigenvalues s^2 and the Hessian of c ||X w - y||^2 is 2c X^T X. mu and beta are known exactly
 * for every loss convention: mu = 2c s_min^2, beta = 2c s_max^2.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  kernelImpliedMu,
  type SquareLossConvention,
  tangentKernel,
  topHessianEigenvalue,
  trajectoryMu,
} from '../src/index.js';
import { f32, linearModel, prescribedLeastSquares } from './reference.js';

// s_max^2 = 9 against s_2^2 = 4: power iteration gains a factor (4/9)^2 per step.
const s = [3, 2, 1.7, 1.4, 1.2, 1, 0.9, 0.8, 0.7, 0.6, 0.55, 0.5];
const n = s.length;
const d = 40;
const problem = prescribedLeastSquares(s, d, 7);
const x = tf.tensor2d(f32(problem.X), [n, d]);
const y = tf.tensor2d(f32(problem.y), [n, 1]);
const sMin = Math.min(...s);
const sMax = Math.max(...s);

const conventions: SquareLossConvention[] = [
  { reduction: 'sum', half: true },
  { reduction: 'sum', half: false },
  { reduction: 'mean', half: true },
  { reduction: 'mean', half: false },
];

afterAll(() => tf.dispose([x, y]));

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/** w = w* + alpha * V e_min / s_min: the residual X(w - w*) = alpha * U e_min is the slowest mode. */
function weightsAlongSlowestMode(alpha: number): Float32Array {
  const k = s.indexOf(sMin);
  const w = new Float64Array(d);
  for (let i = 0; i < d; i++) w[i] = problem.wStar[i]! + (alpha * problem.V[i * n + k]!) / sMin;
  return f32(w);
}

describe.each(conventions)('least squares, loss %o', (loss) => {
  // c of L = c ||r||^2, written out here (one output per sample, so m = n).
  const c = (loss.half ? 0.5 : 1) / (loss.reduction === 'mean' ? n : 1);
  const lossAt = (model: ReturnType<typeof linearModel>) => () =>
    tf.tidy(() => tf.mul(c, tf.sum(tf.square(tf.sub(model.apply(x), y)))) as tf.Scalar);
  const muExact = 2 * c * sMin ** 2;
  const betaExact = 2 * c * sMax ** 2;
  const name = `${loss.reduction}${loss.half ? 'half' : ''}`;

  it('trajectory mu_t equals 2c s_min^2 when the residual lies along the slowest mode', async () => {
    const w = tf.variable(tf.tensor2d(weightsAlongSlowestMode(0.8), [d, 1]), true, `cf_t_${name}`);
    const model = linearModel(w);
    const t = await trajectoryMu(lossAt(model), [w]);
    expect(t.mu).not.toBeNull();
    expect(rel(t.mu!, muExact)).toBeLessThan(1e-3);
    expect(rel(t.loss, c * 0.8 ** 2)).toBeLessThan(1e-3);
    w.dispose();
  });

  it('the tangent kernel has eigenvalues s^2 and implies mu = 2c s_min^2', async () => {
    const w = tf.variable(tf.zeros([d, 1]), true, `cf_k_${name}`);
    const kernel = await tangentKernel(linearModel(w), x);
    expect(kernel.size).toBe(n);
    expect(kernel.numParams).toBe(d);
    expect(rel(kernel.spectrum.lambdaMin, sMin ** 2)).toBeLessThan(1e-3);
    expect(rel(kernel.spectrum.lambdaMax, sMax ** 2)).toBeLessThan(1e-3);
    const sorted = [...s].map((v) => v * v).sort((a, b) => a - b);
    for (const [i, e] of kernel.spectrum.eigenvalues.entries())
      expect(rel(e, sorted[i]!)).toBeLessThan(1e-3);
    expect(rel(kernel.spectrum.conditionNumber!, sMax ** 2 / sMin ** 2)).toBeLessThan(1e-3);
    expect(rel(kernelImpliedMu(kernel, loss, n), muExact)).toBeLessThan(1e-3);
    w.dispose();
  });

  for (const method of ['finite-difference', 'exact'] as const) {
    it(`beta = 2c s_max^2 by power iteration (${method})`, async () => {
      const g = tf.randomNormal([d, 1], 0, 1, 'float32', 3);
      const w = tf.variable(g, true, `cf_h_${name}_${method}`);
      const model = linearModel(w);
      const top = await topHessianEigenvalue(lossAt(model), [w], {
        iterations: 40,
        tolerance: 1e-7,
        hvp: { method },
      });
      expect(rel(top.eigenvalue, betaExact)).toBeLessThan(1e-3);
      expect(top.beta).toBe(Math.abs(top.eigenvalue));
      tf.dispose([w, g]);
    });
  }

  it('at a generic point, mu_t >= the kernel-implied mu', async () => {
    const w = tf.variable(tf.randomNormal([d, 1], 0, 1, 'float32', 9), true, `cf_g_${name}`);
    const model = linearModel(w);
    const t = await trajectoryMu(lossAt(model), [w]);
    const kernel = await tangentKernel(model, x);
    expect(t.mu!).toBeGreaterThanOrEqual(kernelImpliedMu(kernel, loss, n));
    w.dispose();
  });
});
