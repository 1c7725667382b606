import { type RunSummary, textTable } from './summary.js';
import type { SeedGroup, Stat } from './sweep/aggregate.js';

/** A winner must lead the runner-up by this many (pooled) seed standard deviations. */
export const CLEAR_WIN_STDS = 2;

/** One optimizer over every seed of a comparison. Plain JSON. */
export interface SeedAggregate {
  readonly label: string;
  readonly seeds: readonly number[];
  /** Final training loss of each seed (null where the run diverged). */
  readonly trainLoss: readonly (number | null)[];
  readonly trainMean: number | null;
  /** Sample standard deviation over seeds (n - 1); null with fewer than 2 finite values. */
  readonly trainStd: number | null;
  readonly testLoss: readonly (number | null)[];
  readonly testMean: number | null;
  readonly testStd: number | null;
  readonly diverged: number;
  /** Each seed's certificate verdict ('not-covered' where the argument does not apply). */
  readonly verdicts: readonly (string | null)[];
  readonly tightness: readonly (number | null)[];
}

/**
 * Per optimizer, from the sweep's seed groups (runs that differ only in their seed, with the
 * sweep's mean and sample std): `runs[i]` is run i's summary. A diverged seed leaves the
 * optimizer without a mean (the mean of the others would hide it), and one seed has no spread.
 */
export function aggregateSeeds(
  groups: readonly SeedGroup[],
  runs: readonly RunSummary[],
  seeds: readonly number[],
): SeedAggregate[] {
  return groups.map((g) => {
    const group = g.runs.map((i) => runs[i]!);
    const diverged = group.filter((r) => r.diverged).length;
    const meanOf = (s: Stat) => (diverged > 0 ? null : s.mean);
    const stdOf = (s: Stat) => (diverged > 0 || s.n < 2 ? null : s.std);
    const { finalTrainLoss: train, finalTestLoss: test } = g.stats;
    return {
      label: String(g.params.optimizer),
      seeds,
      trainLoss: group.map((r) => r.finalTrainLoss),
      trainMean: meanOf(train),
      trainStd: stdOf(train),
      testLoss: group.map((r) => r.finalTestLoss),
      testMean: meanOf(test),
      testStd: stdOf(test),
      diverged,
      verdicts: group.map((r) => r.certificate?.verdict ?? null),
      tightness: group.map((r) =>
        r.certificate?.covered === true ? (r.certificate.tightness ?? null) : null,
      ),
    };
  });
}

function num(x: number | null): string {
  if (x === null) return '-';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}

function meanStd(m: number | null, s: number | null): string {
  if (m === null) return '-';
  return s === null ? num(m) : `${num(m)} ± ${num(s)}`;
}

/** Who won on the final training loss (what every optimizer minimizes), against the seed spread. */
export function winnerLine(groups: readonly SeedAggregate[]): string {
  const ranked = groups
    .filter((g) => g.trainMean !== null)
    .sort((a, b) => a.trainMean! - b.trainMean!);
  const lost = groups.filter((g) => g.diverged > 0).map((g) => g.label);
  const note = lost.length ? ` (not ranked, diverged on some seed: ${lost.join(', ')})` : '';
  const best = ranked[0];
  if (best === undefined) return `no winner: every optimizer diverged on some seed${note}`;
  const second = ranked[1];
  const score = `${best.label} best on final train loss (${meanStd(best.trainMean, best.trainStd)})`;
  if (second === undefined) return `${score}; no other optimizer to compare with${note}`;
  if (best.seeds.length < 2 || best.trainStd === null || second.trainStd === null) {
    return `${score}, ahead of ${second.label} (${num(second.trainMean)}) on one seed: there is no seed spread to judge the gap by (use --seeds 3 or more)${note}`;
  }
  const gap = second.trainMean! - best.trainMean!;
  const spread = Math.sqrt((best.trainStd ** 2 + second.trainStd ** 2) / 2);
  if (spread === 0) {
    return gap === 0
      ? `no clear winner: ${best.label} and ${second.label} reach the same loss on every seed${note}`
      : `${score}, ${num(gap)} ahead of ${second.label} on every one of ${best.seeds.length} seeds (no seed spread)${note}`;
  }
  const stds = gap / spread;
  const against = `${second.label} (${meanStd(second.trainMean, second.trainStd)})`;
  return stds >= CLEAR_WIN_STDS
    ? `${score}, ${stds.toFixed(1)} std ahead of ${against} over ${best.seeds.length} seeds${note}`
    : `no clear winner: ${best.label} (${meanStd(best.trainMean, best.trainStd)}) leads ${against} by ${stds.toFixed(1)} std, within the seed spread (a clear win needs ${CLEAR_WIN_STDS} std) over ${best.seeds.length} seeds${note}`;
}

/** Mean ± std and every seed, one row per optimizer. */
export function seedsTable(groups: readonly SeedAggregate[]): string {
  const hasTest = groups.some((g) => g.testLoss.some((x) => x !== null));
  const seeds = groups[0]?.seeds ?? [];
  const header = [
    'optimizer',
    `train loss (mean ± std, ${seeds.length} seeds)`,
    ...(hasTest ? ['test loss (mean ± std)'] : []),
    ...seeds.map((s) => `seed ${s}`),
    'certificate (tightness) per seed',
  ];
  const rows = groups.map((g) => [
    g.label,
    g.diverged > 0 ? `${g.diverged} diverged` : meanStd(g.trainMean, g.trainStd),
    ...(hasTest ? [g.diverged > 0 ? '-' : meanStd(g.testMean, g.testStd)] : []),
    ...g.trainLoss.map((x) => (x === null ? 'diverged' : num(x))),
    g.verdicts
      .map((v, i) =>
        v === null ? '-' : g.tightness[i] != null ? `${v} (${num(g.tightness[i]!)})` : v,
      )
      .join(', '),
  ]);
  return textTable(header, rows);
}
