import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussian } from '../test/reference.js';
import { gramMatrix } from './gram.js';
import { jacobianRows } from './jacobian.js';
import { symmetricSpectrum } from './spectrum.js';
import { kernelImpliedMu, kernelRelativeChange, tangentKernel } from './tangent-kernel.js';

describe('gramMatrix', () => {
  it('equals the naive float64 J J^T for odd and even sizes', () => {
    for (const rowsCount of [1, 2, 3, 4, 5, 7, 8, 9]) {
      const g = gaussian(rowsCount);
      const p = 13;
      const rows = Float32Array.from({ length: rowsCount * p }, () => g());
      const gram = gramMatrix(rows, rowsCount, p);
      for (let a = 0; a < rowsCount; a++)
        for (let b = 0; b < rowsCount; b++) {
          let s = 0;
          for (let k = 0; k < p; k++) s += rows[a * p + k]! * rows[b * p + k]!;
          expect(gram[a * rowsCount + b]).toBeCloseTo(s, 12);
        }
    }
  });

  it('checks the size', () => {
    expect(() => gramMatrix(new Float32Array(5), 2, 3)).toThrow(
      'rows must hold numRows * numParams = 6 values (got 5)',
    );
  });
});

describe('symmetricSpectrum', () => {
  it('finds the eigenvalues of a known symmetric matrix', () => {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    const s = symmetricSpectrum(Float64Array.from([2, 1, 1, 2]), 2);
    expect(s.eigenvalues[0]).toBeCloseTo(1, 12);
    expect(s.eigenvalues[1]).toBeCloseTo(3, 12);
    expect(s.conditionNumber).toBeCloseTo(3, 12);
    expect(symmetricSpectrum(Float64Array.from([1, 1, 1, 1]), 2).conditionNumber).toBeNull();
  });
});

describe('tangentKernel', () => {
  // f(x) = x W with W: d x k. d f_j(x_i) / dW = x_i e_j^T, so K[(i,j),(i',j')] = <x_i, x_i'> [j = j'].
  const d = 3;
  const k = 2;
  const xs = [
    [1, 0, 2],
    [0, 1, -1],
    [2, 2, 0],
    [-1, 0.5, 1],
  ];
  const dotx = (a: number, b: number) => xs[a]!.reduce((s, v, i) => s + v * xs[b]![i]!, 0);

  it('is (n*k) x (n*k), sample-major, for a multi-output model', async () => {
    const W = tf.variable(tf.randomNormal([d, k], 0, 1, 'float32', 1), true, 'tk_W');
    const model = { variables: [W], apply: (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, W) };
    const x = tf.tensor2d(xs);
    const kernel = await tangentKernel(model, x, { samples: [3, 0, 2] });
    const chosen = [3, 0, 2];
    expect(kernel.size).toBe(6);
    expect(kernel.outputsPerSample).toBe(2);
    expect(kernel.samples).toEqual(chosen);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < k; j++)
        for (let i2 = 0; i2 < 3; i2++)
          for (let j2 = 0; j2 < k; j2++) {
            const expected = j === j2 ? dotx(chosen[i]!, chosen[i2]!) : 0;
            expect(kernel.matrix[(i * k + j) * 6 + (i2 * k + j2)]).toBeCloseTo(expected, 5);
          }
    // The kernel of all n*k residual entries, in the mean-without-half convention: 2 lambda_min / m.
    expect(kernelImpliedMu(kernel, { reduction: 'mean', half: false }, 6)).toBeCloseTo(
      (2 * kernel.spectrum.lambdaMin) / 6,
      12,
    );
    tf.dispose([W, x]);
  });

  it('Jacobian rows are the per-sample gradients, and nothing leaks', async () => {
    const W = tf.variable(tf.randomNormal([d, k], 0, 1, 'float32', 2), true, 'tk_rows');
    const model = { variables: [W], apply: (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, W) };
    const x = tf.tensor2d(xs);
    const before = tf.memory().numTensors;
    const j = await jacobianRows(model, x, { samples: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(j.numRows).toBe(4);
    expect(j.numParams).toBe(6);
    // Row (i=1, j=1): d (x_1 W)_1 / dW = x_1 e_1^T, row-major over W's [d, k].
    expect(Array.from(j.rows.subarray(3 * 6, 4 * 6))).toEqual([0, 0, 0, 1, 0, -1]);
    tf.dispose([W, x]);
  });

  it('relative change is 0 against itself and scales with the difference', async () => {
    const W = tf.variable(tf.randomNormal([d, 1], 0, 1, 'float32', 3), true, 'tk_change');
    const scale = tf.variable(tf.scalar(1), true, 'tk_scale');
    const model = {
      variables: [W, scale],
      apply: (x: tf.Tensor) => tf.mul(tf.matMul(x as tf.Tensor2D, W), scale),
    };
    const x = tf.tensor2d(xs);
    const k0 = await tangentKernel(model, x, { variables: [W] });
    expect(kernelRelativeChange(k0, k0)).toBe(0);
    scale.assign(tf.scalar(2));
    // J scales by 2, K by 4: ||4K - K|| / ||K|| = 3.
    const k1 = await tangentKernel(model, x, { variables: [W] });
    expect(kernelRelativeChange(k0, k1)).toBeCloseTo(3, 5);
    tf.dispose([W, scale, x]);
  });

  it('checks the sample selection', async () => {
    const W = tf.variable(tf.zeros([d, 1]), true, 'tk_sel');
    const model = { variables: [W], apply: (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, W) };
    const x = tf.tensor2d(xs);
    await expect(tangentKernel(model, x, { samples: 5 })).rejects.toThrow(
      'samples must be <= the number of samples 4 (got 5)',
    );
    await expect(tangentKernel(model, x, { samples: [0, 4] })).rejects.toThrow(
      'samples[] must be < the number of samples 4 (got 4)',
    );
    await expect(tangentKernel(model, x, { samples: [1, 1] })).rejects.toThrow(
      'samples must not repeat a sample (got 1 twice)',
    );
    await expect(tangentKernel(model, x, { samples: 0 })).rejects.toThrow(
      'samples must be an integer >= 1 (got 0)',
    );
    tf.dispose([W, x]);
  });
});
