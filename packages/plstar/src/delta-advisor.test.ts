import type { StepTelemetry } from '@deltaclip/core';
import { describe, expect, it } from 'vitest';
import { adviseDelta } from './delta-advisor.js';

describe('adviseDelta', () => {
  it('a ViT-like run (norms 1.4–14, gamma/delta = 100): the floor never bound', () => {
    const gradNorms = Array.from({ length: 101 }, (_, i) => 1.4 + (12.6 * i) / 100);
    const advice = adviseDelta({ gamma: 1, delta: 0.01, gradNorms });
    expect(advice.floorBound).toBe(false);
    expect(advice.flooredSteps).toBe(0);
    expect(advice.totalSteps).toBe(101);
    expect(advice.counts).toEqual({ unclipped: 0, clipped: 101, floored: 0, skipped: 0 });
    expect(advice.floorThreshold).toBe(100);
    expect(advice.deltaToBindOnce).toBeCloseTo(1 / 14, 12);
    expect(advice.deltaToBindHalf).toBeCloseTo(1 / 7.7, 12);
    expect(advice.suggestedDelta!.low).toBeCloseTo(1 / 14, 12);
    expect(advice.message).toBe(
      'The δ floor never bound in 101 steps: the largest gradient norm (14) stayed at or below gamma/delta = 100, so this run was plain GClip. ' +
        'On these gradient norms the floor binds on some steps for delta > 0.07143 (gamma / max ||g||) and on about half of them for delta > 0.1299 (gamma / median ||g||); ' +
        'delta in (0.07143, 0.1299] makes it matter without making every step eta*delta. delta >= 1 is plain gradient descent.',
    );
    // The advice is right: with delta just above gamma / max ||g|| the floor binds.
    expect(adviseDelta({ gamma: 1, delta: 0.072, gradNorms }).floorBound).toBe(true);
    expect(adviseDelta({ gamma: 1, delta: 0.07, gradNorms }).floorBound).toBe(false);
  });

  it('reads regimes from telemetry, and counts from the optimizer over them', () => {
    const steps: StepTelemetry[] = [
      { step: 0, gradNorm: 50, stepSize: 0.01, regime: 'floored' },
      { step: 1, gradNorm: 5, stepSize: 0.02, regime: 'clipped' },
      { step: 2, gradNorm: 0.5, stepSize: 0.1, regime: 'unclipped' },
    ];
    const advice = adviseDelta({ gamma: 1, delta: 0.1, steps });
    expect(advice.floorBound).toBe(true);
    expect(advice.counts).toEqual({ unclipped: 1, clipped: 1, floored: 1, skipped: 0 });
    expect(advice.message.startsWith('The δ floor bound on 1 of 3 steps (33.33%)')).toBe(true);
    const fromCounts = adviseDelta({ gamma: 1, delta: 0.1, counts: { unclipped: 10, clipped: 5 } });
    expect(fromCounts.floorBound).toBe(false);
    expect(fromCounts.gradNorm).toBeNull();
    expect(fromCounts.suggestedDelta).toBeNull();
    expect(fromCounts.message).toBe(
      'The δ floor never bound in 15 steps, so this run was plain GClip.',
    );
  });

  it('says when no delta below 1 binds the floor on half the steps', () => {
    const advice = adviseDelta({ gamma: 1, delta: 0.5, gradNorms: [0.1, 0.2, 0.3, 4] });
    expect(advice.suggestedDelta).toEqual({ low: 0.25, high: 1 });
    expect(advice.message).toContain(
      'the floor binds on some steps for delta > 0.25 (gamma / max ||g||) but on half of them for no delta < 1 (median ||g|| = 0.25 <= gamma)',
    );
  });

  it('says when not even clipping happened', () => {
    const advice = adviseDelta({ gamma: 10, delta: 0.1, gradNorms: [1, 2, 3] });
    expect(advice.suggestedDelta).toBeNull();
    expect(advice.message).toContain(
      'No step was even clipped (max ||g|| = 3 <= gamma = 10): the run was plain gradient descent; choose gamma below 3 for clipping to matter.',
    );
  });

  it('delta = 0 has no floor', () => {
    const advice = adviseDelta({ gamma: 1, delta: 0, gradNorms: [5, 6] });
    expect(advice.floorThreshold).toBeNull();
    expect(advice.counts.clipped).toBe(2);
    expect(advice.message.startsWith('delta = 0: there is no floor (plain GClip)')).toBe(true);
    expect(JSON.parse(JSON.stringify(advice))).toEqual(advice);
  });

  it('needs some data', () => {
    expect(() => adviseDelta({ gamma: 1, delta: 0.1 })).toThrow(
      'adviseDelta needs steps (telemetry), gradNorms or counts',
    );
    expect(() => adviseDelta({ gamma: -1, delta: 0.1, gradNorms: [] })).toThrow(
      'gamma must be > 0 (got -1)',
    );
  });
});
