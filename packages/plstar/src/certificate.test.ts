import type { StepTelemetry } from '@deltaclip/core';
import { describe, expect, it } from 'vitest';
import { type CertificateInput, certify } from './certificate.js';

// eta = 0.1, delta = 0.5, mu = 2: the envelope contracts by 1 - 0.1 * 0.5 * 2 = 0.9 per step.
const eta = 0.1;
const gamma = 1;
const delta = 0.5;
const mu = 2;
const beta = 8;
const L0 = 2;
const T = 20;

function steps(h: (t: number) => number): StepTelemetry[] {
  return Array.from({ length: T }, (_, t) => ({
    step: t,
    gradNorm: 1.5,
    stepSize: h(t),
    regime: 'clipped',
  }));
}

function base(): CertificateInput {
  return {
    eta,
    gamma,
    delta,
    mu,
    beta,
    losses: Array.from({ length: T + 1 }, (_, t) => L0 * 0.8 ** t),
    steps: steps(() => 0.07),
    distances: Array.from({ length: T + 1 }, (_, t) => 0.1 * t),
  };
}

function byName(input: CertificateInput, name: string) {
  return certify(input).checks.find((c) => c.name === name)!;
}

describe('certify', () => {
  it('holds on a run that meets every condition, with the numbers', () => {
    const c = certify(base());
    expect(c.held).toBe(true);
    expect(c.rate).toBeCloseTo(0.9, 15);
    // R = 2 sqrt(2 L_0 / eta) / (delta mu) = 2 sqrt(40) / 1
    expect(c.radius).toBeCloseTo(2 * Math.sqrt(40), 12);
    expect(c.checks.map((k) => [k.name, k.held])).toEqual([
      ['eta-below-inverse-beta', true],
      ['step-sizes-in-range', true],
      ['loss-below-envelope', true],
      ['iterates-in-ball', true],
    ]);
    expect(c.checks[0]!.detail).toBe('eta = 0.1 <= 1/beta = 0.125 (beta = 8)');
    expect(c.checks[1]!.detail).toBe(
      'all 20 step sizes h_t lie in [eta*delta, eta] = [0.05, 0.1] (min 0.07, max 0.07)',
    );
    expect(c.checks[2]!.numbers.worstRatio).toBeCloseTo((0.8 / 0.9) ** 1, 12);
    expect(c.checks[2]!.numbers.worstStep).toBe(1);
    expect(c.checks[3]!.numbers.maxDistance).toBeCloseTo(2, 12);
    expect(c.checks[3]!.numbers.radiusWithBeta).toBeCloseTo(2 * Math.sqrt(2 * 8 * 2), 12);
    expect(c.checks[3]!.numbers.radiusSharp).toBeCloseTo(2 * Math.sqrt(2), 12);
    // Plain JSON: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });

  it('eta > 1/beta is a violation', () => {
    const check = byName({ ...base(), beta: 20 }, 'eta-below-inverse-beta');
    expect(check.held).toBe(false);
    expect(check.detail).toBe(
      'eta = 0.1 > 1/beta = 0.05 (beta = 20): the descent lemma needs eta <= 1/beta',
    );
    expect(check.numbers.etaTimesBeta).toBeCloseTo(2, 15);
  });

  it('a step size outside [eta*delta, eta] is a violation, and names the first', () => {
    const check = byName(
      { ...base(), steps: steps((t) => (t === 4 || t === 9 ? 0.01 : 0.07)) },
      'step-sizes-in-range',
    );
    expect(check.held).toBe(false);
    expect(check.detail).toBe(
      '2 of 20 step sizes lie outside [eta*delta, eta] = [0.05, 0.1]: first at step 4 (h = 0.01, regime clipped)',
    );
    expect(check.numbers.outside).toBe(2);
  });

  it('zero-gradient steps take no step and are not violations; non-finite skipped steps are', () => {
    const s = steps(() => 0.1);
    s[3] = { step: 3, gradNorm: 0, stepSize: 0, regime: 'skipped' };
    expect(byName({ ...base(), steps: s }, 'step-sizes-in-range').held).toBe(true);
    s[5] = { step: 5, gradNorm: Number.NaN, stepSize: 0, regime: 'skipped' };
    const check = byName({ ...base(), steps: s }, 'step-sizes-in-range');
    expect(check.held).toBe(false);
    expect(check.numbers.firstOutsideStep).toBe(5);
  });

  it('float32 round-off at the ends of the range is tolerated', () => {
    const s = steps((t) => (t % 2 === 0 ? Math.fround(0.1) : Math.fround(0.05)));
    expect(byName({ ...base(), steps: s }, 'step-sizes-in-range').held).toBe(true);
  });

  it('a loss above the envelope is a violation', () => {
    const losses = Array.from({ length: T + 1 }, (_, t) => L0 * 0.95 ** t);
    const check = byName({ ...base(), losses }, 'loss-below-envelope');
    expect(check.held).toBe(false);
    expect(check.numbers.violations).toBe(T);
    expect(check.numbers.worstStep).toBe(T);
    expect(check.numbers.worstRatio).toBeCloseTo((0.95 / 0.9) ** T, 10);
    expect(check.detail).toMatch(
      /^L_t exceeds \(1 - eta\*delta\*mu\)\^t L_0 at 20 of 21 measured steps, first at step 1/,
    );
  });

  it('accepts sparse { step, loss } points, with L_0 given separately', () => {
    const losses = [5, 10, 15].map((step) => ({ step, loss: L0 * 0.85 ** step }));
    const c = certify({ ...base(), losses, initialLoss: L0 });
    expect(c.checks[2]!.held).toBe(true);
    expect(() => certify({ ...base(), losses })).toThrow(
      'losses must include step 0 (L_0), or initialLoss must be given: the envelope starts from L_0',
    );
  });

  it('delta = 0 gives no rate and no radius', () => {
    const c = certify({ ...base(), delta: 0 });
    expect(c.held).toBe(false);
    expect(c.rate).toBeNull();
    expect(c.radius).toBeNull();
    expect(byName({ ...base(), delta: 0 }, 'loss-below-envelope').detail).toBe(
      'delta = 0 (plain GClip): the argument gives no rate, so there is no envelope to check',
    );
    expect(byName({ ...base(), delta: 0 }, 'iterates-in-ball').held).toBe(false);
  });

  it('leaving the ball is a violation', () => {
    const distances = [
      { step: 0, distance: 0 },
      { step: 10, distance: 13 },
    ];
    const check = byName({ ...base(), distances }, 'iterates-in-ball');
    expect(check.held).toBe(false);
    expect(check.detail).toBe(
      'max ||w_t - w_0|| = 13 at step 10 > R = 2 sqrt(2 L_0/eta)/(delta mu) = 12.65: the iterates left the ball',
    );
  });

  it('PL* along the run: mu_t below mu is a violation; L = 0 points are skipped', () => {
    const ok = certify({ ...base(), muTrajectory: [3, 2.5, null, 2] });
    expect(ok.checks[4]!.held).toBe(true);
    expect(ok.checks[4]!.numbers.points).toBe(3);
    const bad = byName(
      {
        ...base(),
        muTrajectory: [
          { step: 0, mu: 3 },
          { step: 7, mu: 1.5 },
        ],
      },
      'pl-star-along-run',
    );
    expect(bad.held).toBe(false);
    expect(bad.detail).toBe(
      'mu_t < mu = 2 at 1 of 2 measured steps (min 1.5 at step 7): PL* did not hold with this mu',
    );
  });

  it('empty series cannot certify anything', () => {
    const c = certify({ ...base(), steps: [], distances: [] });
    expect(c.held).toBe(false);
    expect(c.checks[1]!.detail).toBe('no step sizes given: nothing to check');
    expect(c.checks[3]!.detail).toBe('no distances from initialization given: nothing to check');
  });

  it('validates its numbers', () => {
    expect(() => certify({ ...base(), eta: 0 })).toThrow('eta must be > 0 (got 0)');
    expect(() => certify({ ...base(), delta: -1 })).toThrow('delta must be >= 0 (got -1)');
    expect(() => certify({ ...base(), mu: Number.NaN })).toThrow(
      'mu must be a finite number (got NaN)',
    );
  });
});
