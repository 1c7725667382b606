import type { StepTelemetry } from '@deltaclip/core';
import { Rng } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import { adviseDelta } from './delta-advisor.js';

const EFFECTS =
  'Smaller delta floors fewer steps and tends to GClip (delta = 0: no floor, no rate); larger ' +
  'delta makes more steps eta*delta, and delta >= 1 is plain gradient descent.';

/** Steps core's δ-GClip would floor at this delta: ||g|| > gamma/delta, i.e. gamma/||g|| < delta. */
function flooredAt(norms: readonly number[], gamma: number, delta: number): number {
  return norms.filter((n) => gamma / n < delta).length;
}

describe('adviseDelta', () => {
  it('a ViT-like run (norms 1.4–14, gamma/delta = 100): the floor never bound; recommends a range', () => {
    const gradNorms = Array.from({ length: 101 }, (_, i) => 1.4 + (12.6 * i) / 100);
    const advice = adviseDelta({ gamma: 1, delta: 0.01, gradNorms });
    expect(advice.mode).toBe('delta-gclip');
    expect(advice.floorBound).toBe(false);
    expect(advice.counts).toEqual({ unclipped: 0, clipped: 101, floored: 0, skipped: 0 });
    expect(advice.floorThreshold).toBe(100);
    expect(advice.deltaToBindOnce).toBeCloseTo(1 / 14, 12);
    // p90 of 101 evenly spaced norms is the 91st (12.74), the median the 51st (7.7).
    const r = advice.recommendation!;
    expect(r.low).toBeCloseTo(1 / 12.74, 12);
    expect(r.high).toBeCloseTo(1 / 7.7, 12);
    expect(r.flooredShareAtLow).toBe(10 / 101);
    expect(r.flooredShareAtHigh).toBe(50 / 101);
    expect(advice.message).toBe(
      'The δ floor never bound in 101 steps: the largest gradient norm (14) stayed at or below gamma/delta = 100, so this run was plain GClip. ' +
        'Recommended: delta in [0.07849, 0.1299]: the floor eta*delta binds on steps where ||g|| > gamma/delta, ' +
        `i.e. on 9.901% of the observed steps at delta = 0.07849 and on 49.5% at delta = 0.1299. ${EFFECTS}`,
    );
  });

  it('the recommended ends floor the shares they state (random runs)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed);
      // 12 norms: the p90 and median positions (9.9, 5.5) fall between two observed norms.
      const gradNorms = Array.from({ length: 12 }, () => Math.exp(3 * rng.uniform()));
      const gamma = 1 + 4 * rng.uniform();
      const { recommendation: r } = adviseDelta({ gamma, delta: 0.001, gradNorms });
      if (gradNorms.every((n) => n <= gamma)) {
        expect(r).toBeNull();
        continue;
      }
      expect(r!.low).toBeLessThanOrEqual(r!.high);
      expect(r!.high).toBeLessThan(1);
      expect(flooredAt(gradNorms, gamma, r!.low)).toBe(r!.flooredShareAtLow * 12);
      expect(flooredAt(gradNorms, gamma, r!.high)).toBe(r!.flooredShareAtHigh * 12);
      expect(adviseDelta({ gamma, delta: r!.high, gradNorms }).flooredSteps).toBe(
        flooredAt(gradNorms, gamma, r!.high),
      );
    }
  });

  it('delta >= 1 is plain gradient descent: every step unclipped, no floor', () => {
    const advice = adviseDelta({ gamma: 1, delta: 2, gradNorms: [5, 0.5, 3] });
    expect(advice.mode).toBe('gradient-descent');
    expect(advice.counts).toEqual({ unclipped: 3, clipped: 0, floored: 0, skipped: 0 });
    expect(advice.floorThreshold).toBeNull();
    expect(advice.floorBound).toBe(false);
    // sorted [0.5, 3, 5]: p90 = 3 + 0.8 * 2 = 4.6, median 3.
    expect(advice.recommendation!.low).toBeCloseTo(1 / 4.6, 12);
    expect(advice.recommendation!.high).toBeCloseTo(1 / 3, 12);
    expect(advice.message).toBe(
      'delta = 2 >= 1: max(delta, gamma/||g||) >= 1, so h = eta on every step: this run was plain gradient descent, and neither gamma nor the floor had any effect. ' +
        'Recommended: delta in [0.2174, 0.3333]: the floor eta*delta binds on steps where ||g|| > gamma/delta, ' +
        `i.e. on 33.33% of the observed steps at delta = 0.2174 and on 33.33% at delta = 0.3333. ${EFFECTS}`,
    );
    expect(adviseDelta({ gamma: 1, delta: 1, gradNorms: [5] }).mode).toBe('gradient-descent');
  });

  it('never prints an empty interval: equal norms give a threshold to cross', () => {
    const gradNorms = [4, 4, 4, 4];
    const advice = adviseDelta({ gamma: 1, delta: 0.5, gradNorms });
    expect(advice.recommendation).toEqual({
      low: 0.25,
      high: 0.25,
      flooredShareAtLow: 0,
      flooredShareAtHigh: 0,
    });
    expect(advice.message).toBe(
      'The δ floor bound on 4 of 4 steps (100%): there ||g|| exceeded gamma/delta = 2 and the step was eta*delta. ' +
        'Recommended: delta just above 0.25 (= gamma / 4): the floor eta*delta binds on steps where ||g|| > gamma/delta, ' +
        `i.e. on 100% of the observed steps there and on 0% at delta = 0.25 itself. ${EFFECTS}`,
    );
    expect(flooredAt(gradNorms, 1, 0.26)).toBe(4);
    expect(flooredAt(gradNorms, 1, 0.25)).toBe(0);
  });

  it('with few clipped steps the range stays on the clipped norms, in order', () => {
    // Only 4 > gamma: p90 (2.89) falls below the smallest clipped norm, so both ends use 4.
    const advice = adviseDelta({ gamma: 1, delta: 0.5, gradNorms: [0.1, 0.2, 0.3, 4] });
    expect(advice.recommendation).toEqual({
      low: 0.25,
      high: 0.25,
      flooredShareAtLow: 0,
      flooredShareAtHigh: 0,
    });
    expect(advice.message).not.toMatch(/\[(\S+), \1\]/);
    expect(advice.message).toContain('on 25% of the observed steps there');
  });

  it('reads regimes from telemetry, and counts from the optimizer over them', () => {
    const steps: StepTelemetry[] = [
      { step: 0, gradNorm: 50, stepSize: 0.01, regime: 'floored' },
      { step: 1, gradNorm: 5, stepSize: 0.02, regime: 'clipped' },
      { step: 2, gradNorm: 0.5, stepSize: 0.1, regime: 'unclipped' },
    ];
    const advice = adviseDelta({ gamma: 1, delta: 0.1, steps });
    expect(advice.counts).toEqual({ unclipped: 1, clipped: 1, floored: 1, skipped: 0 });
    expect(advice.message.startsWith('The δ floor bound on 1 of 3 steps (33.33%)')).toBe(true);
    const fromCounts = adviseDelta({ gamma: 1, delta: 0.1, counts: { unclipped: 10, clipped: 5 } });
    expect(fromCounts.gradNorm).toBeNull();
    expect(fromCounts.recommendation).toBeNull();
    expect(fromCounts.message).toBe(
      'The δ floor never bound in 15 steps, so this run was plain GClip. Without gradient norms no delta range can be recommended.',
    );
  });

  it('says when not even clipping happened', () => {
    const advice = adviseDelta({ gamma: 10, delta: 0.1, gradNorms: [1, 2, 3] });
    expect(advice.recommendation).toBeNull();
    expect(advice.deltaToBindOnce).toBeNull();
    expect(advice.message).toContain(
      'No observed step was clipped (max ||g|| = 3 <= gamma = 10), so no delta below 1 makes the floor bind: choose gamma below 3 for clipping and the floor to matter.',
    );
  });

  it('delta = 0 is GClip: no floor', () => {
    const advice = adviseDelta({ gamma: 1, delta: 0, gradNorms: [5, 6] });
    expect(advice.mode).toBe('gclip');
    expect(advice.floorThreshold).toBeNull();
    expect(advice.counts.clipped).toBe(2);
    expect(
      advice.message.startsWith(
        'delta = 0: there is no floor (plain GClip): 2 of 2 steps (100%) were clipped to length eta*gamma, and the convergence argument gives no rate.',
      ),
    ).toBe(true);
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
