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

export interface DeltaAdvice {
  /** Whether the δ floor bound on at least one step (regime 'floored'). */
  readonly floorBound: boolean;
  readonly flooredSteps: number;
  readonly totalSteps: number;
  readonly counts: RegimeCounts;
  /** gamma/delta: the gradient norm above which the floor binds (null for delta = 0). */
  readonly floorThreshold: number | null;
  /** Distribution of the gradient norms (null without norms). */
  readonly gradNorm: Distribution | null;
  /** The floor binds on at least one of these steps for delta > gamma / max ||g||. */
  readonly deltaToBindOnce: number | null;
  /** ... and on about half of them for delta > gamma / median ||g||. */
  readonly deltaToBindHalf: number | null;
  /**
   * A delta range in which the floor would bind on some steps but not most:
   * (gamma / max ||g||, min(gamma / median ||g||, 1)); null when no delta < 1 makes it bind.
   */
  readonly suggestedDelta: { readonly low: number; readonly high: number } | null;
  /** The advice in plain words. */
  readonly message: string;
}

function emptyCounts(): RegimeCounts {
  return Object.fromEntries(REGIMES.map((r) => [r, 0])) as RegimeCounts;
}

/**
 * Did the δ floor ever bind in a run, and which delta would make it matter? The floor binds when
 * ||g|| > gamma/delta (h = eta*delta instead of eta*gamma/||g||), so on the observed norms it binds
 * at least once for delta > gamma / max ||g|| and on about half the steps for
 * delta > gamma / median ||g||. In the paper's own ViT runs it never bound (norms 1.4–14 against
 * gamma/delta >= 100): those runs were plain GClip.
 */
export function adviseDelta(input: DeltaAdviceInput): DeltaAdvice {
  const gamma = requirePositive('gamma', input.gamma);
  const delta = requireNonNegative('delta', input.delta);
  const norms =
    input.gradNorms ??
    input.steps?.map((s) => s.gradNorm).filter((n): n is number => typeof n === 'number');
  if (input.counts === undefined && input.steps === undefined && input.gradNorms === undefined) {
    throw new InvalidOptionError('adviseDelta needs steps (telemetry), gradNorms or counts');
  }
  const floorThreshold = delta > 0 ? gamma / delta : null;
  const counts = emptyCounts();
  if (input.counts !== undefined) {
    for (const r of REGIMES) counts[r] = input.counts[r] ?? 0;
  } else if (input.steps?.every((s) => s.regime !== undefined)) {
    for (const s of input.steps) counts[s.regime!]++;
  } else if (norms !== undefined) {
    // Recompute the regimes from the norms, as core's deltaGClipScale decides them.
    for (const n of norms) {
      if (!Number.isFinite(n) || n === 0) counts.skipped++;
      else if (n <= gamma) counts.unclipped++;
      else if (floorThreshold === null || n <= floorThreshold) counts.clipped++;
      else counts.floored++;
    }
  }
  const totalSteps = REGIMES.reduce((s, r) => s + counts[r], 0);
  const flooredSteps = counts.floored;
  const floorBound = flooredSteps > 0;
  const dist = norms === undefined ? null : distribution(norms.filter((n) => n > 0));
  const deltaToBindOnce = dist === null ? null : gamma / dist.max;
  const deltaToBindHalf = dist === null ? null : gamma / dist.median;
  const suggestedDelta =
    deltaToBindOnce === null || deltaToBindOnce >= 1
      ? null
      : { low: deltaToBindOnce, high: Math.min(deltaToBindHalf ?? 1, 1) };

  const parts: string[] = [];
  const share = totalSteps > 0 ? ` (${fmt((100 * flooredSteps) / totalSteps)}%)` : '';
  if (delta === 0) {
    parts.push(
      'delta = 0: there is no floor (plain GClip), and the convergence argument gives no rate.',
    );
  } else if (floorBound) {
    parts.push(
      `The δ floor bound on ${flooredSteps} of ${totalSteps} steps${share}: there ||g|| exceeded gamma/delta = ${fmt(floorThreshold)} and the step was eta*delta.`,
    );
  } else {
    parts.push(
      `The δ floor never bound in ${totalSteps} steps` +
        (dist !== null
          ? `: the largest gradient norm (${fmt(dist.max)}) stayed at or below gamma/delta = ${fmt(floorThreshold)}, so this run was plain GClip.`
          : ', so this run was plain GClip.'),
    );
  }
  if (dist !== null) {
    if (dist.max <= gamma) {
      parts.push(
        `No step was even clipped (max ||g|| = ${fmt(dist.max)} <= gamma = ${fmt(gamma)}): the run was plain gradient descent; choose gamma below ${fmt(dist.max)} for clipping to matter.`,
      );
    } else if (suggestedDelta !== null) {
      const half =
        deltaToBindHalf !== null && deltaToBindHalf < 1
          ? `and on about half of them for delta > ${fmt(deltaToBindHalf)} (gamma / median ||g||)`
          : `but on half of them for no delta < 1 (median ||g|| = ${fmt(dist.median)} <= gamma)`;
      parts.push(
        `On these gradient norms the floor binds on some steps for delta > ${fmt(deltaToBindOnce)} (gamma / max ||g||) ${half}; delta in (${fmt(suggestedDelta.low)}, ${fmt(suggestedDelta.high)}] makes it matter without making every step eta*delta. delta >= 1 is plain gradient descent.`,
      );
    }
  }
  return {
    floorBound,
    flooredSteps,
    totalSteps,
    counts,
    floorThreshold: finiteOrNull(floorThreshold),
    gradNorm: dist,
    deltaToBindOnce: finiteOrNull(deltaToBindOnce),
    deltaToBindHalf: finiteOrNull(deltaToBindHalf),
    suggestedDelta,
    message: parts.join(' '),
  };
}
