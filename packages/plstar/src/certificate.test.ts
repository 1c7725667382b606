import type { StepTelemetry } from '@deltaclip/core';
import { describe, expect, it } from 'vitest';
import { type CertificateInput, certify, fmtFromLog, summarizeCertificate } from './certificate.js';
import { certificateCoverage, certifyRun } from './coverage.js';
import { fmt } from './format.js';

// eta = 0.1, delta = 0.5, mu = 2: the a-priori envelope contracts by 1 - 0.1 * 0.5 * 2 = 0.9 per
// step; with h = 0.07 and beta = 8 the a-posteriori one by 1 - 2 * 0.07 * 2 * (1 - 0.07 * 8 / 2) =
// 0.7984. The losses fall by 0.75 per step, below both.
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
    losses: Array.from({ length: T + 1 }, (_, t) => L0 * 0.75 ** t),
    muSource: 'kernel-full',
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
      ['loss-below-a-posteriori-envelope', true],
      ['iterates-in-ball', true],
    ]);
    expect(c.checks[0]!.detail).toBe('eta = 0.1 <= 1/beta = 0.125 (beta = 8)');
    expect(c.checks[1]!.detail).toBe(
      'all 20 step sizes h_t lie in [eta*delta, eta] = [0.05, 0.1] (min 0.07, max 0.07)',
    );
    // Closest approach to the a-priori envelope is at step T: (0.75/0.9)^t falls with t.
    expect(c.checks[2]!.numbers.worstRatio).toBeCloseTo(0.75 / 0.9, 12);
    expect(c.checks[2]!.numbers.worstStep).toBe(1);
    expect(c.checks[3]!.numbers.worstRatio).toBeCloseTo(0.75 / 0.7984, 12);
    expect(c.checks[4]!.numbers.maxDistance).toBeCloseTo(2, 12);
    expect(c.checks[4]!.numbers.radiusWithBeta).toBeCloseTo(2 * Math.sqrt(2 * 8 * 2), 12);
    expect(c.checks[4]!.numbers.radiusSharp).toBeCloseTo(2 * Math.sqrt(2), 12);
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
    expect(c.finalStep).toBe(15);
    expect(c.achievedRatio).toBeCloseTo(0.85 ** 15, 12);
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
    expect(ok.checks[5]!.name).toBe('pl-star-along-run');
    expect(ok.checks[5]!.held).toBe(true);
    expect(ok.checks[5]!.numbers.points).toBe(3);
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
    expect(byName({ ...base(), steps: [], distances: [] }, 'iterates-in-ball').detail).toBe(
      'no distances from initialization given: nothing to check',
    );
    expect(c.verdict).toBe('fails');
  });

  it('validates its numbers', () => {
    expect(() => certify({ ...base(), eta: 0 })).toThrow('eta must be > 0 (got 0)');
    expect(() => certify({ ...base(), delta: -1 })).toThrow('delta must be >= 0 (got -1)');
    expect(() => certify({ ...base(), mu: Number.NaN })).toThrow(
      'mu must be a finite number (got NaN)',
    );
  });

  it('a run that meets every condition with a kernel-full mu is informative, with its tightness', () => {
    const c = certify(base());
    expect(c.verdict).toBe('informative');
    expect(c.reasons).toEqual([]);
    expect(c.envelope).toBe('a-posteriori');
    // log(0.7984^20) / log(0.75^20), and the a-priori log(0.9^20) / log(0.75^20).
    expect(c.tightness).toBeCloseTo(Math.log(0.7984) / Math.log(0.75), 12);
    expect(c.envelopes.aPriori.tightness).toBeCloseTo(Math.log(0.9) / Math.log(0.75), 12);
    expect(c.envelopes.aPosteriori!.rate).toBeCloseTo(0.7984, 12);
    expect(c.envelopes.aPosteriori!.guaranteedRatio).toBeCloseTo(0.7984 ** 20, 14);
    expect(c.achievedRatio).toBeCloseTo(0.75 ** 20, 14);
    expect(c.radiusRatio).toBeCloseTo(Math.sqrt(40), 12);
    expect(c.sentence).toBe(
      'guarantees L <= 0.01108 L_0 after 20 steps; achieved 0.003171 L_0 (tightness 0.7826: informative)',
    );
    expect(c.constants.betaNote).toBe(
      'beta = the largest top Hessian eigenvalue measured along the path at the measured points (power iteration): not a bound over the ball',
    );
    const summary = summarizeCertificate(c);
    expect(summary).toMatchObject({
      verdict: 'informative',
      muSource: 'kernel-full',
      mu: 2,
      radius: c.radius,
      maxDistance: 2,
      sentence: c.sentence,
    });
    expect(summary.checks.map((k) => k.held)).toEqual([true, true, true, true, true]);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });

  it("a mu from the run's own trajectory is never informative", () => {
    const { muSource: _, ...input } = base();
    for (const c of [certify(input), certify({ ...input, muSource: 'trajectory' })]) {
      expect(c.held).toBe(true);
      expect(c.muSource).toBe('trajectory');
      expect(c.verdict).toBe('vacuous');
      expect(c.reasons).toEqual([
        "mu is the run's own smallest mu_t: it describes this run and guarantees nothing (PL* holds with it by construction)",
      ]);
      expect(c.sentence).toBe(
        "with the run's own mu_t as mu (descriptive, not a guarantee) the envelope allows L <= 0.01108 L_0 after 20 steps; achieved 0.003171 L_0 (tightness 0.7826: vacuous)",
      );
    }
  });

  it('a kernel-subset mu is labelled optimistic', () => {
    const c = certify({
      ...base(),
      muSource: 'kernel-subset',
      kernelSamples: 32,
      totalSamples: 314,
      muPoints: 21,
    });
    expect(c.verdict).toBe('informative');
    expect(c.sentence).toMatch(
      /^guarantees, with an optimistic mu \(tangent kernel on a subset of the samples\), L <= /,
    );
    expect(c.constants.muNote).toBe(
      "mu = 2c lambda_min(K), smallest over 21 analysis points, with the tangent kernel on 32 of 314 samples: optimistic (a subset's lambda_min is at least the full kernel's)",
    );
  });

  it('a tiny mu holds but is vacuous: loose envelope and a huge ball', () => {
    const c = certify({ ...base(), mu: 0.001 });
    expect(c.held).toBe(true);
    expect(c.verdict).toBe('vacuous');
    // (1 - 2 * 0.07 * 0.001 * 0.72)^20 against 0.75^20; R = 2 sqrt(40) / 0.0005 over a distance of 2.
    const logGuaranteed = 20 * Math.log(1 - 2 * 0.07 * 0.001 * 0.72);
    expect(c.tightness).toBeCloseTo(logGuaranteed / (20 * Math.log(0.75)), 12);
    expect(c.radiusRatio).toBeCloseTo(Math.sqrt(40) / 0.0005, 6);
    expect(c.reasons).toHaveLength(2);
    expect(c.reasons[1]).toBe('ball radius R = 25300 is 12650x the distance travelled 2 (> 100x)');
    expect(c.sentence).toBe(
      'guarantees L <= 0.99799 L_0 after 20 steps; achieved 0.003171 L_0 (tightness 3.504e-4, ball radius 12650x the distance travelled: vacuous)',
    );
    // The a-priori rate 1 - 0.1 * 0.5 * 0.001 = 0.99995 is printed as such, never as "rate 1".
    expect(c.checks[2]!.detail).toContain('(rate 0.99995,');
  });

  it('a violated check fails, whatever the tightness', () => {
    const c = certify({ ...base(), beta: 20 });
    expect(c.verdict).toBe('fails');
    expect(c.held).toBe(false);
    expect(c.reasons).toEqual([
      'eta-below-inverse-beta: eta = 0.1 > 1/beta = 0.05 (beta = 20): the descent lemma needs eta <= 1/beta',
    ]);
    expect(c.sentence).toBe(
      'fails: eta-below-inverse-beta violated (eta = 0.1 > 1/beta = 0.05 (beta = 20): the descent lemma needs eta <= 1/beta)',
    );
    // Losses that fall slower than the a-posteriori envelope but faster than the a-priori one.
    const slow = certify({
      ...base(),
      losses: Array.from({ length: T + 1 }, (_, t) => L0 * 0.85 ** t),
    });
    expect(slow.checks.map((k) => [k.name, k.held]).slice(2, 4)).toEqual([
      ['loss-below-envelope', true],
      ['loss-below-a-posteriori-envelope', false],
    ]);
    expect(slow.verdict).toBe('fails');
  });

  it('gradient descent: h_t = eta, rate 1 - eta mu, no step telemetry needed', () => {
    const { delta: _d, steps: _s, gamma: _g, ...input } = base();
    const c = certify({ ...input, method: 'gradient-descent' });
    expect(c.method).toBe('gradient-descent');
    expect(c.delta).toBe(1);
    expect(c.rate).toBeCloseTo(1 - 0.1 * 2, 15);
    expect(c.radius).toBeCloseTo(Math.sqrt(40), 12); // 2 sqrt(2 L_0 / eta) / mu
    expect(c.checks.map((k) => k.name)).toEqual([
      'eta-below-inverse-beta',
      'loss-below-envelope',
      'loss-below-a-posteriori-envelope',
      'iterates-in-ball',
    ]);
    // a-posteriori factor 1 - 2 * 0.1 * 2 * (1 - 0.1 * 8 / 2) = 0.76
    expect(c.tightness).toBeCloseTo(Math.log(0.76) / Math.log(0.75), 12);
    expect(c.verdict).toBe('informative');
    expect(certify({ ...input, delta: 3 }).method).toBe('gradient-descent');
    const withSteps = certify({ ...input, method: 'gradient-descent', steps: steps(() => 0.07) });
    expect(withSteps.checks[1]!.detail).toBe(
      '20 of 20 step sizes differ from h_t = eta = 0.1: first at step 0 (h = 0.07, regime clipped)',
    );
    expect(() => certify({ ...input, method: 'gradient-descent', delta: 0.5 })).toThrow(
      "delta must be >= 1 for gradient descent (got 0.5): below 1 the step is δ-GClip's",
    );
    expect(() => certify({ ...input, steps: steps(() => 0.07) })).toThrow(
      "delta is needed for δ-GClip (pass delta, or method: 'gradient-descent' for plain gradient descent)",
    );
  });

  it('without a step size for some step the verdict uses the a-priori envelope and says why', () => {
    const s = steps(() => 0.07).filter((x) => x.step !== 12);
    const c = certify({ ...base(), steps: s });
    expect(c.envelope).toBe('a-priori');
    expect(c.envelopes.aPosteriori).toBeNull();
    expect(c.envelopes.aPosterioriUnavailable).toBe(
      'no finite step size for step 12, so the product stops there',
    );
    expect(c.tightness).toBeCloseTo(Math.log(0.9) / Math.log(0.75), 12);
  });

  it('coverage: GClip and Adam get an explanation, not a failure', () => {
    const gclip = certifyRun({ family: 'delta-gclip', delta: 0, name: 'GClip' }, base());
    expect(gclip).toEqual({
      covered: false,
      optimizer: 'GClip',
      explanation:
        'GClip has no floor on its step (delta = 0): h_t = eta min(1, gamma/||g_t||) can shrink without bound where gradients are large, so the PL* argument gives it no rate and no certificate (a limit of the argument, not a judgement of the run)',
    });
    expect(certificateCoverage({ family: 'gclip' }).covered).toBe(false);
    const adam = certificateCoverage({ family: 'adam', name: 'Adam' });
    expect(adam.covered).toBe(false);
    expect(!adam.covered && adam.explanation).toMatch(/^Adam is not covered: /);
    expect(certificateCoverage({ family: 'gradient-descent', fullBatch: false })).toMatchObject({
      covered: false,
    });
    const run = certifyRun({ family: 'delta-gclip', delta: 0.5 }, base());
    expect(run.covered && run.verdict).toBe('informative');
    const asGd = certifyRun(
      { family: 'delta-gclip', delta: 2 },
      { ...base(), steps: steps(() => 0.1) },
    );
    expect(asGd.covered && asGd.method).toBe('gradient-descent');
  });
});

describe('numbers in words', () => {
  it('never rounds a rate near 1 into 1', () => {
    expect(fmt(0.99996)).toBe('0.99996');
    expect(fmt(1 - 1e-9)).toBe('0.999999999');
    expect(fmt(1.00003)).toBe('1.00003');
    expect(fmt(0.81)).toBe('0.81');
    expect(fmt(0.0047123)).toBe('0.004712');
    expect(fmt(1)).toBe('1');
    // Property: the printed value of x near 1 shows 1 - x to within 5%.
    for (const gap of [3.3e-2, 4.4e-5, 1.23e-7, 6e-12]) {
      const printed = Number(fmt(1 - gap));
      expect(Math.abs(1 - printed - gap) / gap).toBeLessThan(0.05);
    }
  });

  it('prints ratios that underflow from their logs', () => {
    expect(fmtFromLog(Math.log(0.25))).toBe('0.25');
    expect(fmtFromLog(-1000 * Math.LN10 + Math.log(2))).toBe('2e-1000');
  });

  it('a certificate with rate 0.99996 prints 0.99996', () => {
    // eta * delta * mu = 0.1 * 0.5 * 0.0008 = 4e-5
    const c = certify({ ...base(), mu: 0.0008 });
    expect(c.rate).toBeCloseTo(0.99996, 15);
    expect(c.checks[2]!.detail).toContain('rate 0.99996');
    expect(c.sentence).not.toMatch(/L <= 1 L_0/);
  });
});
