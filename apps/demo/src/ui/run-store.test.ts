import { describe, expect, it } from 'vitest';
import type { Progress } from '../worker/protocol.js';
import { RunStore } from './run-store.js';

const evalAt = (step: number, trainLoss: number) => ({
  step,
  trainLoss,
  testLoss: trainLoss * 1.1,
  trainAccuracy: null,
  testAccuracy: null,
  mu: 0.5,
  fullGradNorm: 1,
  distance: step / 10,
});

function progress(step: number, extra: Partial<Progress> = {}): Progress {
  return {
    update: {
      step,
      evals: { gclip: [evalAt(step, 1 / (step + 1))], dgclip: [evalAt(step, 2 / (step + 1))] },
      telemetry: {
        gclip: [{ step: step - 1, gradNorm: 2, stepSize: 0.05, regime: 'clipped' }],
        dgclip: [{ step: step - 1, gradNorm: 20, stepSize: 0.01, regime: 'floored' }],
      },
      betas: {},
    },
    running: true,
    stepsPerSecond: 100,
    heatmaps: null,
    analyses: null,
    network: null,
    ...extra,
  };
}

describe('RunStore', () => {
  it('accumulates measurements per optimizer and columns of telemetry', () => {
    const store = new RunStore();
    store.reset(4, ['gclip', 'dgclip']);
    store.apply(progress(1));
    store.apply(
      progress(2, {
        heatmaps: { gclip: new Float32Array(4) },
        running: false,
        stepsPerSecond: null,
      }),
    );
    expect(store.step).toBe(2);
    expect(store.running).toBe(false);
    expect(store.evals.gclip!.map((e) => e.step)).toEqual([1, 2]);
    // Record t is the step that produced w_{t+1}: plotted at t + 1.
    expect(store.telemetry.dgclip).toEqual({
      step: [1, 2],
      gradNorm: [20, 20],
      stepSize: [0.01, 0.01],
      regime: [2, 2],
    });
    expect(store.regimeTally('dgclip')).toEqual({
      unclipped: 0,
      clipped: 0,
      floored: 2,
      skipped: 0,
    });
    expect(store.regimeTally('gclip')).toEqual({
      unclipped: 0,
      clipped: 2,
      floored: 0,
      skipped: 0,
    });
    expect(store.heatmapCount).toBe(1);
    expect(store.latest('dgclip')!.trainLoss).toBeCloseTo(2 / 3);
    store.ready = true;
    expect(store.snapshot('http://x/#v=1')).toEqual({
      step: 2,
      running: false,
      ready: true,
      stepsPerSecond: null,
      backend: null,
      losses: {
        gclip: [
          { step: 1, trainLoss: 0.5, testLoss: 0.55, mu: 0.5 },
          { step: 2, trainLoss: 1 / 3, testLoss: (1 / 3) * 1.1, mu: 0.5 },
        ],
        dgclip: [
          { step: 1, trainLoss: 1, testLoss: 1.1, mu: 0.5 },
          { step: 2, trainLoss: 2 / 3, testLoss: (2 / 3) * 1.1, mu: 0.5 },
        ],
      },
      heatmaps: 1,
      analyses: 0,
      error: null,
      url: 'http://x/#v=1',
    });
    store.reset(5, ['sgd']);
    expect(store.step).toBe(0);
    expect(store.evals).toEqual({ sgd: [] });
  });

  it('tallies regimes as they arrive, equal to a count over the whole column', () => {
    const store = new RunStore();
    store.reset(1, ['dgclip']);
    const regimes = ['unclipped', 'clipped', 'floored', 'skipped'] as const;
    for (let k = 0; k < 50; k++) {
      store.apply(
        progress(k + 1, {
          update: {
            step: k + 1,
            evals: {},
            telemetry: {
              // A message of k % 4 + 1 records, regimes cycling with a period (7) prime to it.
              dgclip: Array.from({ length: (k % 4) + 1 }, (_, j) => ({
                step: k,
                gradNorm: 1,
                stepSize: 0.1,
                regime: regimes[(k * 3 + j) % 7 < 4 ? (k * 3 + j) % 7 : 1]!,
              })),
            },
            betas: {},
          },
        }),
      );
    }
    const column = store.telemetry.dgclip!.regime;
    const count = (r: number) => column.filter((x) => x === r).length;
    expect(column).toHaveLength(123); // 12 × (1 + 2 + 3 + 4) + 1 + 2
    expect(store.regimeTally('dgclip')).toEqual({
      unclipped: count(0),
      clipped: count(1),
      floored: count(2),
      skipped: count(3),
    });
    expect(count(3)).toBeGreaterThan(0);
    store.reset(2, ['dgclip']);
    expect(store.regimeTally('dgclip')).toEqual({
      unclipped: 0,
      clipped: 0,
      floored: 0,
      skipped: 0,
    });
  });
});
