import { describe, expect, it } from 'vitest';
import { aggregateSeeds, winnerLine } from './seeds.js';
import type { RunSummary } from './summary.js';
import { seedGroups, stat } from './sweep/aggregate.js';
import type { RunRecord } from './sweep/records.js';

function run(label: string, loss: number | null): RunSummary {
  return {
    label,
    finalTrainLoss: loss,
    finalTestLoss: null,
    diverged: loss === null ? { step: 3, loss: 'NaN' } : null,
    certificate: null,
  } as unknown as RunSummary;
}

/** Optimizer-major runs (as compare plans them) through the sweep's seed groups. */
function aggregate(runs: RunSummary[], seeds: number[]) {
  const records = runs.map(
    (r, i) =>
      ({
        run: {
          index: i,
          params: { optimizer: r.label, seed: seeds[i % seeds.length]! },
          label: r.label,
          options: {},
        },
        status: 'done',
      }) as RunRecord,
  );
  return aggregateSeeds(seedGroups(records, new Map(runs.map((r, i) => [i, r]))), runs, seeds);
}

describe('seed statistics', () => {
  it('sample std uses n - 1 (against the textbook example 2, 4, 4, 4, 5, 5, 7, 9)', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(stat(xs).mean).toBe(5);
    // Population variance 4; sample variance 32 / 7.
    expect(stat(xs).std).toBeCloseTo(Math.sqrt(32 / 7), 14);
    const [one] = aggregate([run('A', 1)], [0]);
    expect([one!.trainMean, one!.trainStd]).toEqual([1, null]);
  });

  it('groups optimizer-major runs; a diverged seed leaves the optimizer unranked', () => {
    const groups = aggregate([run('A', 1), run('A', 2), run('B', 3), run('B', null)], [0, 1]);
    expect(groups.map((g) => [g.label, g.trainMean, g.diverged])).toEqual([
      ['A', 1.5, 0],
      ['B', null, 1],
    ]);
    expect(winnerLine(groups)).toBe(
      'A best on final train loss (1.5 ± 0.7071); no other optimizer to compare with (not ranked, diverged on some seed: B)',
    );
  });

  it('a clear win needs 2 pooled std; otherwise no clear winner', () => {
    // A: 1.0 ± 0.1, B: 1.3 ± 0.1 -> gap 0.3 = 3 std.
    const clear = aggregate(
      [run('A', 0.9), run('A', 1.0), run('A', 1.1), run('B', 1.2), run('B', 1.3), run('B', 1.4)],
      [0, 1, 2],
    );
    expect(winnerLine(clear)).toBe(
      'A best on final train loss (1 ± 0.1), 3.0 std ahead of B (1.3 ± 0.1) over 3 seeds',
    );
    const close = aggregate(
      [run('A', 0.9), run('A', 1.0), run('A', 1.1), run('B', 1.0), run('B', 1.1), run('B', 1.2)],
      [0, 1, 2],
    );
    expect(winnerLine(close)).toMatch(
      /^no clear winner: A \(1 ± 0\.1\) leads B \(1\.1 ± 0\.1\) by 1\.0 std/,
    );
  });

  it('one seed: no spread to judge by', () => {
    const one = aggregate([run('A', 1), run('B', 2)], [0]);
    expect(winnerLine(one)).toContain('there is no seed spread to judge the gap by');
  });
});
