import { describe, expect, it } from 'vitest';
import { chooseKernelSamples, kernelAnalysisCost } from './kernel-cost.js';

const speeds = {
  gradientSeconds: 0.01,
  hostMultiplyAddsPerSecond: 1e6,
  eigenSecondsPerCubedSize: 1e-6,
};

/** The same cost model written out: n k gradients, (nk)^2 p / 2 multiply-adds, (nk)^3 eigen. */
function seconds(n: number, k: number, p: number, observations: number): number {
  const m = n * k;
  return observations * (m * 0.01 + (m * m * p) / 2 / 1e6 + m ** 3 * 1e-6);
}

describe('kernelAnalysisCost', () => {
  it('counts gradients, multiply-adds and bytes, and prices them', () => {
    const c = kernelAnalysisCost({
      samples: 10,
      outputsPerSample: 2,
      params: 100,
      observations: 3,
      ...speeds,
    });
    expect(c).toMatchObject({
      size: 20,
      gradients: 20,
      hostMultiplyAdds: 20_000,
      jacobianBytes: 8_000,
    });
    expect(c.secondsPerObservation.gradients).toBeCloseTo(0.2, 12);
    expect(c.secondsPerObservation.gram).toBeCloseTo(0.02, 12);
    expect(c.secondsPerObservation.eigen).toBeCloseTo(0.008, 12);
    expect(c.seconds).toBeCloseTo(seconds(10, 2, 100, 3), 12);
  });

  it('validates', () => {
    expect(() => kernelAnalysisCost({ samples: 1.5, params: 10 })).toThrow(
      'samples must be an integer >= 0 (got 1.5)',
    );
  });
});

describe('chooseKernelSamples', () => {
  const base = { numSamples: 314, params: 1000, observations: 21, ...speeds };

  it('all samples when they fit the budget', () => {
    const budget = seconds(314, 1, 1000, 21) * 1.01;
    const choice = chooseKernelSamples({ ...base, budgetSeconds: budget });
    expect(choice.tangentKernelSamples).toBe('all');
    expect(choice.muSource).toBe('kernel-full');
    expect(choice.reason).toMatch(
      /^tangent kernel on all 314 samples \(kernel-full: a true PL\* value at each point\): estimated /,
    );
  });

  it('else the largest subset that fits, labelled optimistic', () => {
    const budget = 60;
    const choice = chooseKernelSamples({ ...base, budgetSeconds: budget });
    expect(choice.muSource).toBe('kernel-subset');
    const k = choice.tangentKernelSamples as number;
    expect(seconds(k, 1, 1000, 21)).toBeLessThanOrEqual(budget);
    expect(seconds(k + 1, 1, 1000, 21)).toBeGreaterThan(budget);
    expect(choice.reason).toContain(
      `tangent kernel on ${k} of 314 samples (kernel-subset: optimistic`,
    );
  });

  it('respects the memory cap, and falls back to the trajectory', () => {
    const capped = chooseKernelSamples({
      ...base,
      budgetSeconds: 1e9,
      maxJacobianBytes: 100 * 1000 * 4,
    });
    expect(capped.tangentKernelSamples).toBe(100);
    expect(capped.reason).toContain('its Jacobian needs 1.198 MiB (> 0.3815 MiB)');
    const none = chooseKernelSamples({ ...base, budgetSeconds: 1e-6 });
    expect(none.tangentKernelSamples).toBe(0);
    expect(none.muSource).toBe('trajectory');
  });
});
