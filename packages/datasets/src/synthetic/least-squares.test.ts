import { SQUARE_LOSS_NAMES, type SquareLossName } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { linearLeastSquares, spectrum } from './least-squares.js';

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi), float64: values and column vectors. */
function jacobiEigen(a: number[][]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p]![q]!) < 1e-300) continue;
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * m[p]![q]!);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!;
          const mkq = m[k]![q]!;
          m[k]![p] = c * mkp - s * mkq;
          m[k]![q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!;
          const mqk = m[q]![k]!;
          m[p]![k] = c * mpk - s * mqk;
          m[q]![k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: m.map((r, i) => r[i]!), vectors: v };
}

function kernel(x: Float64Array, n: number, d: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[i * d + k]! * x[j * d + k]!;
      return s;
    }),
  );
}

/** Loss and squared gradient norm of c * ||Xw - y||^2 in float64. */
function lossAndGrad(
  x: Float64Array,
  y: Float64Array,
  w: number[],
  n: number,
  d: number,
  c: number,
) {
  const r = Array.from({ length: n }, (_, i) => {
    let s = -y[i]!;
    for (let k = 0; k < d; k++) s += x[i * d + k]! * w[k]!;
    return s;
  });
  const loss = c * r.reduce((a, b) => a + b * b, 0);
  let g2 = 0;
  for (let k = 0; k < d; k++) {
    let g = 0;
    for (let i = 0; i < n; i++) g += 2 * c * x[i * d + k]! * r[i]!;
    g2 += g * g;
  }
  return { loss, g2 };
}

/** c in L = c * ||Xw - y||^2, written out independently of the implementation. */
function lossScale(loss: SquareLossName, n: number): number {
  if (loss === 'half-sum') return 0.5;
  if (loss === 'half-mean') return 1 / (2 * n);
  if (loss === 'mean') return 1 / n;
  return 1;
}

describe('linearLeastSquares', () => {
  it('the tangent kernel X X^T has exactly the prescribed eigenvalues s_i^2 (n < d)', () => {
    const s = [3, 2, 1.5, 1, 0.5, 0.25];
    const { theory, dataset } = linearLeastSquares({
      numSamples: 6,
      dim: 10,
      singularValues: s,
      seed: 1,
    });
    const eig = jacobiEigen(kernel(theory.x64, 6, 10)).values.sort((a, b) => b - a);
    eig.forEach((e, i) => {
      expect(e).toBeCloseTo(s[i]! ** 2, 10);
    });
    expect(theory.lambdaMin).toBeCloseTo(0.0625, 15);
    expect(theory.lambdaMax).toBe(9);
    expect(dataset.size).toBe(6);
    expect(dataset.featureShape).toEqual([10]);
  });

  it('n > d: K has rank d, its nonzero eigenvalues are s_i^2, and y lies in the range of X', () => {
    const { theory } = linearLeastSquares({
      numSamples: 12,
      dim: 5,
      singularValues: { largest: 2, smallest: 0.2 },
      seed: 2,
    });
    const eig = jacobiEigen(kernel(theory.x64, 12, 5)).values.sort((a, b) => b - a);
    const expected = spectrum(5, { largest: 2, smallest: 0.2 }).map((v) => v * v);
    expected.forEach((e, i) => {
      expect(eig[i]).toBeCloseTo(e, 10);
    });
    for (const zero of eig.slice(5)) expect(Math.abs(zero)).toBeLessThan(1e-12);
    // w* interpolates: zero loss.
    expect(
      lossAndGrad(theory.x64, theory.y64, Array.from(theory.wStar), 12, 5, 0.5).loss,
    ).toBeLessThan(1e-25);
  });

  it('0.5 ||grad L||^2 >= mu L for random w, with equality along the smallest eigen-direction, for every normalization', () => {
    const n = 8;
    const d = 20;
    const { theory } = linearLeastSquares({
      numSamples: n,
      dim: d,
      singularValues: { largest: 1.5, smallest: 0.3 },
      seed: 3,
    });
    const { values, vectors } = jacobiEigen(kernel(theory.x64, n, d));
    const kMin = values.indexOf(Math.min(...values));
    const u = vectors.map((row) => row[kMin]!);
    // w - w* = X^T u puts the residual X X^T u = lambda_min u on the smallest direction.
    const tight = Array.from({ length: d }, (_, k) => {
      let s = theory.wStar[k]!;
      for (let i = 0; i < n; i++) s += theory.x64[i * d + k]! * u[i]!;
      return s;
    });
    let seed = 17;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    };
    for (const loss of SQUARE_LOSS_NAMES) {
      const { mu, beta, conditionNumber } = theory.constants(loss);
      const c = lossScale(loss, n);
      expect(mu).toBeCloseTo(2 * c * 0.09, 14);
      expect(beta).toBeCloseTo(2 * c * 2.25, 14);
      expect(conditionNumber).toBeCloseTo(25, 10);
      for (let trial = 0; trial < 20; trial++) {
        const w = Array.from({ length: d }, () => 3 * rand());
        const { loss: l, g2 } = lossAndGrad(theory.x64, theory.y64, w, n, d, c);
        expect(0.5 * g2).toBeGreaterThanOrEqual(mu * l * (1 - 1e-9));
      }
      const { loss: l, g2 } = lossAndGrad(theory.x64, theory.y64, tight, n, d, c);
      expect((0.5 * g2) / l).toBeCloseTo(mu, 10);
    }
  });

  it('gradient descent on tf.losses.meanSquaredError with eta = 1/beta decays at least like (1 - eta mu)^t', () => {
    const n = 16;
    const { dataset, theory } = linearLeastSquares({
      numSamples: n,
      dim: 24,
      singularValues: { largest: 2, smallest: 0.5 },
      seed: 4,
    });
    const { mu, beta } = theory.constants('mean');
    const eta = 1 / beta;
    const before = tf.memory().numTensors;
    const { x, y } = dataset.toTensors();
    const w0 = tf.zeros([24, 1]);
    const w = tf.variable(w0);
    const loss = () =>
      tf.losses.meanSquaredError(tf.reshape(y, [n, 1]), tf.matMul(x, w)) as tf.Scalar;
    const l0 = tf.tidy(() => loss().dataSync()[0]!);
    const opt = tf.train.sgd(eta);
    for (let t = 1; t <= 40; t++) {
      opt.minimize(loss);
      const lt = tf.tidy(() => loss().dataSync()[0]!);
      expect(lt).toBeLessThanOrEqual(l0 * (1 - eta * mu) ** t * (1 + 1e-3) + 1e-9);
    }
    opt.dispose();
    tf.dispose([x, y, w, w0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic by seed and rejects a spectrum of the wrong length', () => {
    const a = linearLeastSquares({ numSamples: 4, dim: 3, seed: 9 }).theory.x64;
    const b = linearLeastSquares({ numSamples: 4, dim: 3, seed: 9 }).theory.x64;
    const c = linearLeastSquares({ numSamples: 4, dim: 3, seed: 10 }).theory.x64;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(() => linearLeastSquares({ numSamples: 4, dim: 3, singularValues: [1, 2] })).toThrow(
      'singularValues must have min(numSamples, dim) = 3 entries (got 2)',
    );
    expect(() => spectrum(3, { largest: 1, smallest: 2 })).toThrow(
      'smallest must be <= largest (got 2 > 1)',
    );
  });

  it('spectrum: geometric has a constant ratio, linear a constant step', () => {
    expect(spectrum(3, { largest: 4, smallest: 1 })).toEqual([4, 2, 1]);
    expect(spectrum(3, { largest: 4, smallest: 1, decay: 'linear' })).toEqual([4, 2.5, 1]);
  });
});
