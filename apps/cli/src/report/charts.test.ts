import { REFERENCE_LINE, REGIME_COLORS, TEST_CURVE_DASH } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import { align, type ChartRun, runCharts, trend } from './charts.js';

function run(over: Partial<ChartRun>): ChartRun {
  return {
    label: 'run',
    color: '#000000',
    eta: 2,
    gamma: null,
    delta: null,
    step: [0, 1, 2, 3],
    loss: [1, 0.5, 0.25, 0.3],
    gradNorm: [2, 1, 0.5, 0.05],
    stepSize: [null, null, null, null],
    regime: [null, null, null, null],
    epochStep: [0, 4],
    trainLoss: [1, 0.3],
    testLoss: [1.1, 0.4],
    analysisStep: [],
    mu: [],
    impliedMu: [],
    ...over,
  };
}

describe('report charts', () => {
  it('a trend names first, last and lowest values with their steps', () => {
    expect(trend([0, 1, 2, 3], [1, 0.5, 0.25, 0.3])).toBe(
      'from 1 at step 0 to 0.3 at step 3 (lowest 0.25 at step 2)',
    );
    expect(trend([0, 1], [null, null])).toBeNull();
    // Log axes: zero and negative values are left out.
    expect(align([0, 1, 2], [1, 2], [0, 3])).toEqual([null, null, 3]);
  });

  it('test curves are dashed in their run colour, and the legend says so', () => {
    const charts = runCharts([run({ label: 'SGD', color: '#666666' })]);
    const evaluation = charts.find((c) => c.id === 'chart-evaluation')!;
    const test = evaluation.series.find((s) => s.label === 'SGD test')!;
    expect(test.dash).toEqual(TEST_CURVE_DASH);
    expect(test.color).toBe('#666666');
    expect(evaluation.keys!.map((k) => k.label)).toEqual([
      'training split (solid)',
      'test split (dashed)',
    ]);
  });

  it("GClip's and δ-GClip's step sizes share one y range; δ-GClip's chart has its floor eta*delta", () => {
    const gclip = run({
      label: 'GClip',
      gamma: 0.1,
      stepSize: [0.1, 0.2, 2, 2],
      regime: ['clipped', 'clipped', 'unclipped', 'unclipped'],
    });
    const delta = run({
      label: 'δ-GClip',
      gamma: 0.1,
      delta: 0.25,
      stepSize: [0.5, 0.5, 1, 2],
      regime: ['floored', 'floored', 'clipped', 'unclipped'],
    });
    const [a, b] = runCharts([gclip, delta]).filter((c) => c.id.startsWith('chart-step-size'));
    // Smallest h (0.1) / 1.5 and largest (2) * 1.5, over both runs.
    expect(a!.yRange).toEqual([0.1 / 1.5, 3]);
    expect(b!.yRange).toEqual(a!.yRange);
    const floor = b!.series.find((s) => s.label.startsWith('eta*delta'))!;
    expect(floor.values).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(floor.dash).toEqual(REFERENCE_LINE.etaDelta);
    expect(a!.series.some((s) => s.label.startsWith('eta*delta'))).toBe(false);
    expect(b!.series.find((s) => s.label === 'h_t floored')!.color).toBe(REGIME_COLORS.floored);
    expect(b!.alt).toEqual([
      'δ-GClip: of 4 steps, 1 unclipped (h = eta), 1 clipped (h = eta*gamma/||g||), 2 floored (h = eta*delta); h_t from 0.5 to 2, never below the floor eta*delta = 0.5.',
    ]);
  });

  it('gradient norms against gamma and gamma/delta, counted in the text alternative', () => {
    const delta = run({ label: 'δ-GClip', gamma: 0.1, delta: 0.25 });
    const chart = runCharts([delta]).find((c) => c.id === 'chart-grad-norm')!;
    // ||g|| = 2, 1, 0.5, 0.05: above gamma = 0.1 three times, above gamma/delta = 0.4 three times.
    expect(chart.alt).toEqual([
      'δ-GClip: ||g_t|| from 2 at step 0 to 0.05 at step 3; above gamma = 0.1 on 3 of 4 steps, above gamma/delta = 0.4 on 3.',
    ]);
    expect(chart.keys!.map((k) => k.dash)).toEqual([
      REFERENCE_LINE.gamma,
      REFERENCE_LINE.gammaOverDelta,
    ]);
  });
});
