import { describe, expect, it } from 'vitest';
import {
  convertMu,
  HALF_SUM,
  kernelFactor,
  MEAN,
  muFromTangentKernel,
  SQUARE_LOSS_NAMES,
  squareLossFromName,
  squareLossName,
  squareLossScale,
  validateSquareLoss,
} from './square-loss.js';

/**
 * An independent check of the convention: for a linear model F(w) = X w the tangent kernel is
 * K = X X^T, and the PL* ratio 0.5 ||grad L||^2 / L at any point is bounded below by
 * mu = kernelFactor * lambda_min(K). With X = I (n x n) K = I, grad L = 2c r and
 * 0.5 ||grad L||^2 / L = 2c^2 ||r||^2 / (c ||r||^2) = 2c exactly, for every residual r.
 */
function plRatioIdentity(c: number, r: number[]): number {
  const sq = r.reduce((s, v) => s + v * v, 0);
  const loss = c * sq;
  const gradSq = r.reduce((s, v) => s + (2 * c * v) ** 2, 0);
  return (0.5 * gradSq) / loss;
}

describe('square-loss convention', () => {
  it('scale c per convention', () => {
    expect(squareLossScale(HALF_SUM, 10)).toBe(0.5);
    expect(squareLossScale(MEAN, 10)).toBe(0.1);
    expect(squareLossScale({ reduction: 'sum', half: false }, 10)).toBe(1);
    expect(squareLossScale({ reduction: 'mean', half: true }, 10)).toBe(0.05);
  });

  it.each(SQUARE_LOSS_NAMES)('kernel factor of %s equals the PL* ratio on K = I', (name) => {
    const loss = squareLossFromName(name);
    const r = [0.3, -1.2, 2.5, 0.01, -0.7];
    const c = squareLossScale(loss, r.length);
    expect(kernelFactor(loss, r.length)).toBeCloseTo(plRatioIdentity(c, r), 12);
    expect(muFromTangentKernel(1, loss, r.length)).toBeCloseTo(plRatioIdentity(c, r), 12);
  });

  it('sum gives 2 lambda_min and mean 2 lambda_min / m (m = samples x outputs)', () => {
    expect(muFromTangentKernel(3, squareLossFromName('sum'), 12)).toBe(6);
    expect(muFromTangentKernel(3, squareLossFromName('mean'), 12)).toBe(0.5);
    expect(muFromTangentKernel(3, HALF_SUM, 12)).toBe(3);
    expect(muFromTangentKernel(-1e-9, HALF_SUM, 12)).toBe(0);
  });

  it('names round-trip', () => {
    for (const name of SQUARE_LOSS_NAMES)
      expect(squareLossName(squareLossFromName(name))).toBe(name);
    expect(() => squareLossFromName('l2')).toThrow(
      "square loss must be one of 'half-sum', 'half-mean', 'mean', 'sum' (got \"l2\")",
    );
  });

  it('convertMu scales with the loss', () => {
    expect(convertMu(2, HALF_SUM, MEAN, 4)).toBeCloseTo(2 * (0.25 / 0.5), 12);
  });

  it('validates fields', () => {
    expect(() => validateSquareLoss(null)).toThrow('loss must be a square-loss convention');
    expect(() => validateSquareLoss({ reduction: 'max', half: true })).toThrow(
      "loss.reduction must be one of 'sum', 'mean' (got \"max\")",
    );
    expect(() => validateSquareLoss({ reduction: 'sum', half: 1 })).toThrow(
      'loss.half must be true or false (got 1)',
    );
  });
});
