import { adviseDelta, certify } from '@deltaclip/plstar';
import { describe, expect, it } from 'vitest';
import type { Analysis } from '../training/race.js';
import { explainAnalysis, fmt } from './explain.js';

/** An analysis of a synthetic run: L_t = L_0 * q^t, every step floored or clipped as given. */
function analysis(
  id: 'gclip' | 'dgclip',
  delta: number,
  q: number,
  muSource: 'trajectory' | 'kernel-full' = 'trajectory',
): Analysis {
  const eta = 0.1;
  const gamma = 1;
  const mu = 0.5;
  const beta = 2;
  const steps = Array.from({ length: 10 }, (_, step) => ({
    step,
    gradNorm: 3,
    stepSize: eta * Math.max(delta, gamma / 3),
    regime: 'clipped' as const,
  }));
  const losses = Array.from({ length: 11 }, (_, t) => 2 * q ** t);
  const certificate = certify({
    eta,
    gamma,
    delta,
    mu,
    beta,
    losses,
    steps,
    distances: losses.map((_, t) => 0.2 * t),
    muSource,
    muPoints: 3,
    ...(muSource === 'kernel-full' ? { kernelSamples: 40, totalSamples: 40 } : {}),
  });
  return {
    id,
    step: 10,
    eta,
    gamma,
    delta,
    mu,
    muSource,
    beta,
    certificate,
    advice: adviseDelta({ gamma, delta, steps }),
  };
}

describe('explainAnalysis', () => {
  it('says when the certificate holds, with its rate and radius', () => {
    const x = explainAnalysis(analysis('dgclip', 0.2, 0.9), 100, 100);
    expect(x.held).toBe(true);
    expect(x.headline).toBe(
      'δ-GClip: the convergence certificate holds at step 10 — the loss decays at least like (1 − ηδμ)^t with ηδμ = 0.01, and the weights stay within R = 126 of their start.',
    );
    expect(x.checks.map((c) => [c.title, c.held])).toEqual([
      ['Step not too long for the curvature (η ≤ 1/β)', true],
      ['Every step size h_t in [ηδ, η]', true],
      ['Loss below the guaranteed decay (1 − ηδμ)^t L₀', true],
      ['Loss below the decay its own steps guarantee (∏ (1 − 2h_sμ(1 − h_sβ/2)) L₀)', true],
      ['Weights stayed near their start (‖w_t − w₀‖ ≤ R)', true],
    ]);
    expect(x.basis).not.toContain('full-batch steps;');
    // mu here is the run's own trajectory estimate: the level says vacuous, never informative.
    const c = analysis('dgclip', 0.2, 0.9).certificate;
    expect(c.muSource).toBe('trajectory');
    expect(c.verdict).toBe('vacuous');
    expect(x.level).toBe(`Certificate level: vacuous — ${c.sentence}`);
  });

  it('with mu from the kernel on every sample, says so and the level can be informative', () => {
    const a = analysis('dgclip', 0.2, 0.9, 'kernel-full');
    const x = explainAnalysis(a, 100, 100);
    expect(a.certificate.verdict).toBe('informative');
    expect(x.level).toBe(`Certificate level: informative — ${a.certificate.sentence}`);
    expect(x.basis).toContain(
      'μ = 0.5 is the smallest 2c·λ_min(K) of the tangent kernel on every training sample (a PL* constant at each measured point)',
    );
    expect(explainAnalysis(analysis('dgclip', 0.2, 0.9), 100, 100).basis).toContain(
      'μ = 0.5 is the smallest μ_t = ‖∇L‖²/2L seen (a trajectory estimate, not a bound on a whole ball)',
    );
  });

  it('lists the failed conditions, and warns about mini-batches', () => {
    const x = explainAnalysis(analysis('dgclip', 0.2, 0.999), 32, 320);
    expect(x.held).toBe(false);
    expect(x.headline).toBe(
      'δ-GClip: the certificate does not hold at step 10 (2 of 5 conditions failed: loss below the guaranteed decay; loss below the decay its own steps guarantee).',
    );
    expect(x.basis).toContain('this run uses batches of 32 of 320 samples');
    expect(x.checks[2]!.detail).toMatch(/^L_t exceeds \(1 - eta\*delta\*mu\)\^t L_0/);
  });

  it('says that GClip (δ = 0) has no rate, and passes on the advisor', () => {
    const x = explainAnalysis(analysis('gclip', 0, 0.9), 100, 100);
    expect(x.headline).toBe(
      'GClip has no floor (δ = 0): the PL* argument gives it no convergence rate, whatever the losses do.',
    );
    expect(x.level).toBeNull();
    expect(x.advice).toMatch(/^delta = 0: there is no floor \(plain GClip\)/);
  });

  it('formats numbers for people', () => {
    expect([
      fmt(null),
      fmt(0),
      fmt(0.012345),
      fmt(12345.6),
      fmt(1.5e-7),
      fmt(2e6),
      fmt(Number.POSITIVE_INFINITY),
    ]).toEqual(['n/a', '0', '0.0123', '12300', '1.50e-7', '2.00e+6', 'Infinity']);
  });
});
