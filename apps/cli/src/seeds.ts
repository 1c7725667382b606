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

export function num(x: number | null): string {
  if (x === null) return '-';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}

export function meanStd(m: number | null, s: number | null): string {
  if (m === null) return '-';
  return s === null ? num(m) : `${num(m)} ± ${num(s)}`;
}

/** One contender for the winner: a mean over seeds of a loss, lower is better. */
export interface Contender {
  readonly label: string;
  /** Null when some seed diverged (the contender is then not ranked). */
  readonly mean: number | null;
  /** Sample standard deviation over the seeds; null with fewer than 2 seeds. */
  readonly std: number | null;
  readonly seeds: number;
  readonly diverged: number;
}

/**
 * Who won, against the seed spread: `clear` when the leader is ahead by at least
 * {@link CLEAR_WIN_STDS} pooled standard deviations, `within-spread` when not, `no-spread` when
 * every seed gave the same loss (then any gap is a win on every seed), `one-seed` when there is
 * no spread to judge by. `behind` is the runner-up; `unranked` the contenders that diverged.
 */
export type WinnerJudgement = { readonly unranked: readonly string[] } & (
  | { readonly kind: 'none' }
  | { readonly kind: 'alone'; readonly best: Contender }
  | { readonly kind: 'one-seed'; readonly best: Contender; readonly behind: Contender }
  | { readonly kind: 'tie'; readonly best: Contender; readonly behind: Contender }
  | {
      readonly kind: 'no-spread';
      readonly best: Contender;
      readonly behind: Contender;
      readonly gap: number;
    }
  | {
      readonly kind: 'clear' | 'within-spread';
      readonly best: Contender;
      readonly behind: Contender;
      readonly gap: number;
      /** The gap in pooled standard deviations sqrt((s1^2 + s2^2) / 2). */
      readonly stds: number;
    }
);

export function judgeWinner(contenders: readonly Contender[]): WinnerJudgement {
  const ranked = contenders.filter((c) => c.mean !== null).sort((a, b) => a.mean! - b.mean!);
  const unranked = contenders.filter((c) => c.diverged > 0).map((c) => c.label);
  const best = ranked[0];
  if (best === undefined) return { kind: 'none', unranked };
  const behind = ranked[1];
  if (behind === undefined) return { kind: 'alone', best, unranked };
  if (best.seeds < 2 || best.std === null || behind.std === null) {
    return { kind: 'one-seed', best, behind, unranked };
  }
  const gap = behind.mean! - best.mean!;
  const spread = Math.sqrt((best.std ** 2 + behind.std ** 2) / 2);
  if (spread === 0) {
    return gap === 0
      ? { kind: 'tie', best, behind, unranked }
      : { kind: 'no-spread', best, behind, gap, unranked };
  }
  const stds = gap / spread;
  return {
    kind: stds >= CLEAR_WIN_STDS ? 'clear' : 'within-spread',
    best,
    behind,
    gap,
    stds,
    unranked,
  };
}

/** An optimizer's seeds as a contender on the final training loss. */
export function trainLossContender(g: SeedAggregate): Contender {
  return {
    label: g.label,
    mean: g.trainMean,
    std: g.trainStd,
    seeds: g.seeds.length,
    diverged: g.diverged,
  };
}

/** Who won on the final training loss (what every optimizer minimizes), against the seed spread. */
export function winnerLine(groups: readonly SeedAggregate[]): string {
  const j = judgeWinner(groups.map(trainLossContender));
  const note = j.unranked.length
    ? ` (not ranked, diverged on some seed: ${j.unranked.join(', ')})`
    : '';
  if (j.kind === 'none') return `no winner: every optimizer diverged on some seed${note}`;
  const { best } = j;
  const score = `${best.label} best on final train loss (${meanStd(best.mean, best.std)})`;
  switch (j.kind) {
    case 'alone':
      return `${score}; no other optimizer to compare with${note}`;
    case 'one-seed':
      return `${score}, ahead of ${j.behind.label} (${num(j.behind.mean)}) on one seed: there is no seed spread to judge the gap by (use --seeds 3 or more)${note}`;
    case 'tie':
      return `no clear winner: ${best.label} and ${j.behind.label} reach the same loss on every seed${note}`;
    case 'no-spread':
      return `${score}, ${num(j.gap)} ahead of ${j.behind.label} on every one of ${best.seeds} seeds (no seed spread)${note}`;
    default: {
      const against = `${j.behind.label} (${meanStd(j.behind.mean, j.behind.std)})`;
      return j.kind === 'clear'
        ? `${score}, ${j.stds.toFixed(1)} std ahead of ${against} over ${best.seeds} seeds${note}`
        : `no clear winner: ${best.label} (${meanStd(best.mean, best.std)}) leads ${against} by ${j.stds.toFixed(1)} std, within the seed spread (a clear win needs ${CLEAR_WIN_STDS} std) over ${best.seeds} seeds${note}`;
    }
  }
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
