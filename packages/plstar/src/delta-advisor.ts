import { REGIMES, type RegimeCounts } from '@deltaclip/core';
import { InvalidOptionError, requireNonNegative, requirePositive } from '@deltaclip/utils';
import type { StepLike } from './certificate.js';
import { finiteOrNull, fmt } from './format.js';
import { type Distribution, distribution } from './statistics.js';

export interface DeltaAdviceInput {
  readonly gamma: number;
  readonly delta: number;
  /** The run's telemetry (core's `StepTelemetry` records): gradient norms and regimes. */
  readonly steps?: readonly StepLike[];
  /** Gradient norms ||g_t||, when there is no telemetry. */
  readonly gradNorms?: readonly number[];
  /** Regime counts (core's `optimizer.telemetry.counts()`), preferred over counting `steps`. */
  readonly counts?: Partial<RegimeCounts>;
}

/** Which algorithm the given delta makes of δ-GClip, h = eta * min(1, max(delta, gamma/||g||)). */
export type DeltaMode = 'gclip' | 'delta-gclip' | 'gradient-descent';

/** A delta range chosen from observed gradient norms, with what it does at each end. */
export interface DeltaRecommendation {
  readonly low: number;
  readonly high: number;
  /** Share of the observed steps (0..1) on which the floor would bind at delta = low. */
  readonly flooredShareAtLow: number;
  /** ... and at delta = high. */
  readonly flooredShareAtHigh: number;
}

export interface DeltaAdvice {
  /** 0: GClip (no floor); (0, 1): δ-GClip; >= 1: plain gradient descent (h = eta on every step). */
  readonly mode: DeltaMode;
  /** Whether the δ floor bound on at least one step (regime 'floored'). */
  readonly floorBound: boolean;
  readonly flooredSteps: number;
  readonly totalSteps: number;
  readonly counts: RegimeCounts;
  /** gamma/delta: the gradient norm above which the floor binds (null unless 0 < delta < 1). */
  readonly floorThreshold: number | null;
  /** Distribution of the gradient norms (null without norms). */
  readonly gradNorm: Distribution | null;
  /** The floor binds on at least one observed step for delta > gamma / max ||g|| (null if >= 1). */
  readonly deltaToBindOnce: number | null;
  /**
   * A delta range for which the floor binds on some observed steps but not most: from
   * gamma / p90(||g||) (about 10% floored) to gamma / median(||g||) (about half), each end moved
   * to the clipped norms (||g|| > gamma) when fewer steps than that were clipped; null when no
   * step was clipped or there are no norms.
   */
  readonly recommendation: DeltaRecommendation | null;
  /** The advice in plain words. */
  readonly message: string;
}

function emptyCounts(): RegimeCounts {
  return Object.fromEntries(REGIMES.map((r) => [r, 0])) as RegimeCounts;
}

function percent(share: number): string {
  return `${fmt(100 * share)}%`;
}

/** The range of delta for which the floor binds on a useful share of the observed steps. */
function recommend(
  norms: readonly number[],
  gamma: number,
  dist: Distribution,
): DeltaRecommendation | null {
  const clipped = norms.filter((n) => n > gamma);
  if (clipped.length === 0) return null;
  // The floor binds where ||g|| > gamma/delta, so delta = gamma/s floors exactly the steps with
  // ||g|| > s. Only clipped steps (||g|| > gamma) can be floored by a delta below 1.
  const highNorm = dist.median > gamma ? dist.median : Math.min(...clipped);
  // p90 can fall between an unclipped and the smallest clipped norm: never below highNorm.
  const lowNorm = Math.max(dist.p90 > gamma ? dist.p90 : dist.max, highNorm);
  const share = (s: number) => norms.filter((n) => n > s).length / norms.length;
  return {
    low: gamma / lowNorm,
    high: gamma / highNorm,
    flooredShareAtLow: share(lowNorm),
    flooredShareAtHigh: share(highNorm),
  };
}

function recommendationLine(
  r: DeltaRecommendation,
  gamma: number,
  norms: readonly number[],
): string {
  const effects =
    'Smaller delta floors fewer steps and tends to GClip (delta = 0: no floor, no rate); larger ' +
    'delta makes more steps eta*delta, and delta >= 1 is plain gradient descent.';
  if (fmt(r.low) === fmt(r.high)) {
    // One norm value dominates: there is no range, only a threshold to cross.
    const s = gamma / r.low;
    const above = norms.filter((n) => n >= s).length / norms.length;
    return (
      `Recommended: delta just above ${fmt(r.low)} (= gamma / ${fmt(s)}): the floor eta*delta binds on steps where ` +
      `||g|| > gamma/delta, i.e. on ${percent(above)} of the observed steps there and on ${percent(r.flooredShareAtLow)} ` +
      `at delta = ${fmt(r.low)} itself. ${effects}`
    );
  }
  return (
    `Recommended: delta in [${fmt(r.low)}, ${fmt(r.high)}]: the floor eta*delta binds on steps where ||g|| > gamma/delta, ` +
    `i.e. on ${percent(r.flooredShareAtLow)} of the observed steps at delta = ${fmt(r.low)} and on ` +
    `${percent(r.flooredShareAtHigh)} at delta = ${fmt(r.high)}. ${effects}`
  );
}

/**
 * Did the δ floor ever bind in a run, and which delta would make it matter? With
 * h = eta * min(1, max(delta, gamma/||g||)): delta = 0 is GClip (no floor), delta >= 1 is plain
 * gradient descent (h = eta always), and for 0 < delta < 1 the floor binds when ||g|| > gamma/delta.
 * From the observed norms it recommends a delta range that floors some steps but not most. In the
 * paper's own ViT runs the floor never bound (norms 1.4–14 against gamma/delta >= 100): those runs
 * were plain GClip.
 */
export function adviseDelta(input: DeltaAdviceInput): DeltaAdvice {
  const gamma = requirePositive('gamma', input.gamma);
  const delta = requireNonNegative('delta', input.delta);
  if (input.counts === undefined && input.steps === undefined && input.gradNorms === undefined) {
    throw new InvalidOptionError('adviseDelta needs steps (telemetry), gradNorms or counts');
  }
  const mode: DeltaMode = delta === 0 ? 'gclip' : delta >= 1 ? 'gradient-descent' : 'delta-gclip';
  const norms =
    input.gradNorms ??
    input.steps?.map((s) => s.gradNorm).filter((n): n is number => typeof n === 'number');
  const floorThreshold = mode === 'delta-gclip' ? gamma / delta : null;
  const counts = emptyCounts();
  if (input.counts !== undefined) {
    for (const r of REGIMES) counts[r] = input.counts[r] ?? 0;
  } else if (input.steps?.every((s) => s.regime !== undefined)) {
    for (const s of input.steps) counts[s.regime!]++;
  } else if (norms !== undefined) {
    // Recompute the regimes from the norms, as core's deltaGClipScale decides them.
    for (const n of norms) {
      if (!Number.isFinite(n) || n === 0) counts.skipped++;
      else if (mode === 'gradient-descent' || n <= gamma) counts.unclipped++;
      else if (floorThreshold === null || n <= floorThreshold) counts.clipped++;
      else counts.floored++;
    }
  }
  const totalSteps = REGIMES.reduce((s, r) => s + counts[r], 0);
  const flooredSteps = counts.floored;
  const floorBound = flooredSteps > 0;
  const observed = norms?.filter((n) => Number.isFinite(n) && n > 0);
  const dist = observed === undefined ? null : distribution(observed);
  const deltaToBindOnce = dist === null ? null : gamma / dist.max;
  const recommendation =
    dist === null || observed === undefined ? null : recommend(observed, gamma, dist);

  const parts: string[] = [];
  const of = (k: number) =>
    `${k} of ${totalSteps} steps${totalSteps > 0 ? ` (${percent(k / totalSteps)})` : ''}`;
  if (mode === 'gradient-descent') {
    parts.push(
      `delta = ${fmt(delta)} >= 1: max(delta, gamma/||g||) >= 1, so h = eta on every step: this run was plain gradient descent, and neither gamma nor the floor had any effect.`,
    );
  } else if (mode === 'gclip') {
    parts.push(
      `delta = 0: there is no floor (plain GClip): ${of(counts.clipped)} were clipped to length eta*gamma, and the convergence argument gives no rate.`,
    );
  } else if (floorBound) {
    parts.push(
      `The δ floor bound on ${of(flooredSteps)}: there ||g|| exceeded gamma/delta = ${fmt(floorThreshold)} and the step was eta*delta.`,
    );
  } else {
    parts.push(
      `The δ floor never bound in ${totalSteps} steps` +
        (dist !== null
          ? `: the largest gradient norm (${fmt(dist.max)}) stayed at or below gamma/delta = ${fmt(floorThreshold)}, so this run was plain GClip.`
          : ', so this run was plain GClip.'),
    );
  }
  if (dist === null) {
    parts.push('Without gradient norms no delta range can be recommended.');
  } else if (recommendation === null) {
    parts.push(
      `No observed step was clipped (max ||g|| = ${fmt(dist.max)} <= gamma = ${fmt(gamma)}), so no delta below 1 makes the floor bind: choose gamma below ${fmt(dist.max)} for clipping and the floor to matter.`,
    );
  } else {
    parts.push(recommendationLine(recommendation, gamma, observed!));
  }
  return {
    mode,
    floorBound,
    flooredSteps,
    totalSteps,
    counts,
    floorThreshold: finiteOrNull(floorThreshold),
    gradNorm: dist,
    deltaToBindOnce: deltaToBindOnce !== null && deltaToBindOnce < 1 ? deltaToBindOnce : null,
    recommendation,
    message: parts.join(' '),
  };
}
