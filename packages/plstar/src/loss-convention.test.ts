import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  convertMu,
  HALF_SUM,
  muFromTangentKernel,
  squareLoss,
  squareLossScale,
  validateSquareLoss,
} from './loss-convention.js';

describe('square-loss conventions', () => {
  it('the constant c of L = c ||r||^2', () => {
    expect(squareLossScale({ reduction: 'sum', half: true }, 10)).toBe(0.5);
    expect(squareLossScale({ reduction: 'sum', half: false }, 10)).toBe(1);
    expect(squareLossScale({ reduction: 'mean', half: true }, 10)).toBe(0.05);
    expect(squareLossScale({ reduction: 'mean', half: false }, 10)).toBe(0.1);
  });

  it('squareLoss matches a plain-JS sum, and mean averages over every entry like tf.losses.meanSquaredError', () => {
    const p = [
      [1, 2],
      [3, -1],
      [0.5, 0],
    ];
    const t = [
      [0, 2],
      [1, 1],
      [-0.5, 1],
    ];
    const ss = p.flat().reduce((s, v, i) => s + (v - t.flat()[i]!) ** 2, 0);
    const pt = tf.tensor2d(p);
    const tt = tf.tensor2d(t);
    const value = (loss: Parameters<typeof squareLoss>[2]) =>
      squareLoss(pt, tt, loss).dataSync()[0]!;
    expect(value(HALF_SUM)).toBeCloseTo(0.5 * ss, 5);
    expect(value({ reduction: 'sum', half: false })).toBeCloseTo(ss, 5);
    expect(value({ reduction: 'mean', half: false })).toBeCloseTo(ss / 6, 5);
    expect(value({ reduction: 'mean', half: false })).toBeCloseTo(
      tf.losses.meanSquaredError(tt, pt).dataSync()[0]!,
      6,
    );
    tf.dispose([pt, tt]);
  });

  it('mu implied by lambda_min(K) is 2c lambda_min in every convention', () => {
    const lambda = 0.3;
    const m = 8;
    expect(muFromTangentKernel(lambda, { reduction: 'sum', half: true }, m)).toBeCloseTo(0.3, 15);
    // paper-notes lists 4*lambda_min for "sum without 0.5"; with 0.5 ||grad L||^2 >= mu L it is 2*lambda_min.
    expect(muFromTangentKernel(lambda, { reduction: 'sum', half: false }, m)).toBeCloseTo(0.6, 15);
    expect(muFromTangentKernel(lambda, { reduction: 'mean', half: true }, m)).toBeCloseTo(
      0.3 / 8,
      15,
    );
    expect(muFromTangentKernel(lambda, { reduction: 'mean', half: false }, m)).toBeCloseTo(
      0.6 / 8,
      15,
    );
    expect(muFromTangentKernel(-1e-12, HALF_SUM, m)).toBe(0);
  });

  it('convertMu scales mu like the loss', () => {
    expect(convertMu(0.3, HALF_SUM, { reduction: 'mean', half: false }, 8)).toBeCloseTo(0.075, 15);
    expect(convertMu(0.075, { reduction: 'mean', half: false }, HALF_SUM, 8)).toBeCloseTo(0.3, 15);
  });

  it('rejects malformed conventions with the field and the value', () => {
    expect(() => validateSquareLoss({ reduction: 'avg', half: true })).toThrow(
      "loss.reduction must be one of 'sum', 'mean' (got \"avg\")",
    );
    expect(() => validateSquareLoss({ reduction: 'sum' })).toThrow(
      'loss.half must be true or false (got undefined)',
    );
    expect(() => validateSquareLoss(undefined)).toThrow(
      "loss must be a square-loss convention like { reduction: 'sum', half: true } (got undefined)",
    );
    expect(() => squareLossScale(HALF_SUM, 0)).toThrow(
      'numElements must be an integer >= 1 (got 0)',
    );
  });
});
