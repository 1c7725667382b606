/**
 * What report.html draws, decided here (and testable) rather than in the page script: every
 * chart's series with their colours and dashes from @deltaclip/utils' palette, a shared y range for
 * charts that are compared side by side, and a text alternative that says what the chart shows.
 */
import { REFERENCE_LINE, REGIME_COLORS, TEST_CURVE_DASH } from '@deltaclip/utils';
import { cell } from '../summary.js';

export interface SeriesSpec {
  readonly label: string;
  readonly color: string;
  readonly dash?: readonly number[];
  /** Points only, no line (the per-step scatter of h_t by regime). */
  readonly points?: boolean;
  readonly width?: number;
  readonly values: readonly (number | null)[];
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xLog?: boolean;
  /** Log y axis (default true; values <= 0 are left out). */
  readonly yLog?: boolean;
  /** Fixed y range, shared by charts that are read against each other. */
  readonly yRange?: readonly [number, number];
  /** Category names for x = 0, 1, 2, ... (a text-valued sweep axis). */
  readonly ticks?: readonly string[] | null;
  readonly xs: readonly number[];
  readonly series: readonly SeriesSpec[];
  /** What the chart shows, in sentences (its text alternative). */
  readonly alt: readonly string[];
  /** A legend for what colour alone does not say (dashes, reference lines), as plain text items. */
  readonly keys?: readonly LegendKey[];
}

export interface LegendKey {
  readonly label: string;
  readonly color: string;
  readonly dash?: readonly number[];
}

/** One plotted run, its colour and the per-step/per-epoch/per-analysis records it needs. */
export interface ChartRun {
  readonly label: string;
  readonly color: string;
  readonly eta: number | null;
  readonly gamma: number | null;
  /** Null for GClip (delta = 0) and non-clipping optimizers. */
  readonly delta: number | null;
  readonly step: readonly number[];
  readonly loss: readonly (number | null)[];
  readonly gradNorm: readonly (number | null)[];
  readonly stepSize: readonly (number | null)[];
  readonly regime: readonly (string | null)[];
  readonly epochStep: readonly number[];
  readonly trainLoss: readonly (number | null)[];
  readonly testLoss: readonly (number | null)[];
  readonly analysisStep: readonly number[];
  readonly mu: readonly (number | null)[];
  readonly impliedMu: readonly (number | null)[];
}

const positive = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && Number.isFinite(v) && v > 0 ? v : null;

function union(arrays: readonly (readonly number[])[]): number[] {
  return [...new Set(arrays.flat())].sort((a, b) => a - b);
}

/** `values` (at `runXs`) on the shared x grid `xs`, null where the run has no positive value. */
export function align(
  xs: readonly number[],
  runXs: readonly number[],
  values: readonly (number | null)[],
): (number | null)[] {
  const at = new Map(runXs.map((x, i) => [x, values[i] ?? null]));
  return xs.map((x) => positive(at.get(x)));
}

/** `from 1.491 at step 0 to 0.0485 at step 60 (lowest 0.0485 at step 60)`, or null if empty. */
export function trend(xs: readonly number[], values: readonly (number | null)[]): string | null {
  const points = xs
    .map((x, i) => [x, values[i]] as const)
    .filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return null;
  const low = points.reduce((a, b) => (b[1] < a[1] ? b : a));
  const lowest =
    low === last || low[1] === last[1] ? '' : ` (lowest ${cell(low[1])} at step ${low[0]})`;
  return `from ${cell(first[1])} at step ${first[0]} to ${cell(last[1])} at step ${last[0]}${lowest}`;
}

function lossChart(runs: readonly ChartRun[]): ChartSpec {
  const xs = union(runs.map((r) => r.step));
  return {
    id: 'chart-loss',
    title: 'Training loss per step (the batch of each step; full batch: L(w_t))',
    xLabel: 'step',
    yLabel: 'loss (log)',
    xs,
    series: runs.map((r) => ({
      label: r.label,
      color: r.color,
      values: align(xs, r.step, r.loss),
    })),
    alt: runs.map((r) => `${r.label}: training loss ${trend(r.step, r.loss) ?? 'not recorded'}.`),
  };
}

function evaluationChart(runs: readonly ChartRun[]): ChartSpec | null {
  if (!runs.some((r) => r.epochStep.length > 0)) return null;
  const xs = union(runs.map((r) => r.epochStep));
  const series: SeriesSpec[] = [];
  const alt: string[] = [];
  const hasTest = runs.some((r) => r.testLoss.some((v) => v !== null));
  for (const r of runs) {
    series.push({
      label: `${r.label} train`,
      color: r.color,
      width: 2,
      values: align(xs, r.epochStep, r.trainLoss),
    });
    const test = r.testLoss.some((v) => v !== null);
    if (test) {
      series.push({
        label: `${r.label} test`,
        color: r.color,
        dash: TEST_CURVE_DASH,
        width: 2,
        values: align(xs, r.epochStep, r.testLoss),
      });
    }
    const parts = [`training split ${trend(r.epochStep, r.trainLoss) ?? 'not evaluated'}`];
    if (test) parts.push(`test split ${trend(r.epochStep, r.testLoss)}`);
    alt.push(`${r.label}: ${parts.join('; ')}.`);
  }
  return {
    id: 'chart-evaluation',
    title: 'Evaluation loss (the same evaluation for every optimizer)',
    xLabel: 'step',
    yLabel: 'loss (log)',
    xs,
    series,
    alt,
    keys: [
      { label: 'training split (solid)', color: REFERENCE_LINE.color },
      ...(hasTest
        ? [{ label: 'test split (dashed)', color: REFERENCE_LINE.color, dash: TEST_CURVE_DASH }]
        : []),
    ],
  };
}

const REGIMES = ['unclipped', 'clipped', 'floored', 'skipped'] as const;
const REGIME_WORDS: Readonly<Record<(typeof REGIMES)[number], string>> = {
  unclipped: 'unclipped (h = eta)',
  clipped: 'clipped (h = eta*gamma/||g||)',
  floored: 'floored (h = eta*delta)',
  skipped: 'skipped (non-finite gradient)',
};

/**
 * h_t by regime, one chart per clipping run, all on one y range so that GClip's and δ-GClip's
 * step sizes can be read against each other; δ-GClip's chart has its floor eta*delta drawn.
 */
function stepSizeCharts(runs: readonly ChartRun[]): ChartSpec[] {
  const clipping = runs.filter((r) => r.gamma !== null && r.stepSize.some((v) => positive(v)));
  if (clipping.length === 0) return [];
  const all = clipping.flatMap((r) => [
    ...r.stepSize.map(positive),
    r.eta,
    r.delta !== null && r.eta !== null ? r.eta * r.delta : null,
  ]);
  const values = all.filter((v): v is number => v !== null && v > 0);
  const yRange: [number, number] = [Math.min(...values) / 1.5, Math.max(...values) * 1.5];
  return clipping.map((r, k) => {
    const series: SeriesSpec[] = REGIMES.filter((g) => r.regime.includes(g)).map((g) => ({
      label: `h_t ${g}`,
      color: REGIME_COLORS[g],
      points: true,
      values: r.stepSize.map((h, i) => (r.regime[i] === g ? positive(h) : null)),
    }));
    const keys: LegendKey[] = [];
    const floor = r.delta !== null && r.eta !== null ? r.eta * r.delta : null;
    if (floor !== null) {
      const label = `eta*delta = ${cell(floor)} (the floor)`;
      series.push({
        label,
        color: REFERENCE_LINE.color,
        dash: REFERENCE_LINE.etaDelta,
        width: 1.5,
        values: r.step.map(() => floor),
      });
      keys.push({ label, color: REFERENCE_LINE.color, dash: REFERENCE_LINE.etaDelta });
    }
    const total = r.regime.filter((g) => g !== null).length;
    const counts = REGIMES.map((g) => [g, r.regime.filter((x) => x === g).length] as const)
      .filter(([, n]) => n > 0)
      .map(([g, n]) => `${n} ${REGIME_WORDS[g]}`);
    const hs = r.stepSize.map(positive).filter((v): v is number => v !== null);
    return {
      id: `chart-step-size-${k}`,
      title: `Step size h_t by regime: ${r.label}`,
      xLabel: 'step',
      yLabel: 'h_t (log)',
      yRange,
      xs: r.step,
      series,
      keys,
      alt: [
        `${r.label}: of ${total} steps, ${counts.join(', ')}; h_t from ${cell(Math.min(...hs))} to ${cell(Math.max(...hs))}${floor !== null ? `, never below the floor eta*delta = ${cell(floor)}` : ''}.`,
      ],
    };
  });
}

function gradNormChart(runs: readonly ChartRun[]): ChartSpec | null {
  if (!runs.some((r) => r.gradNorm.some((v) => v !== null))) return null;
  const xs = union(runs.map((r) => r.step));
  const series: SeriesSpec[] = runs.map((r) => ({
    label: r.label,
    color: r.color,
    values: align(xs, r.step, r.gradNorm),
  }));
  const keys: LegendKey[] = [];
  const drawn = new Set<string>();
  const reference = (label: string, value: number, dash: readonly number[]) => {
    if (drawn.has(label)) return;
    drawn.add(label);
    series.push({
      label,
      color: REFERENCE_LINE.color,
      dash,
      width: 1.5,
      values: xs.map(() => value),
    });
    keys.push({ label, color: REFERENCE_LINE.color, dash });
  };
  const alt: string[] = [];
  for (const r of runs) {
    const norms = r.gradNorm.filter((v): v is number => v !== null && Number.isFinite(v));
    if (norms.length === 0) continue;
    let line = `${r.label}: ||g_t|| ${trend(r.step, r.gradNorm)}`;
    if (r.gamma !== null) {
      reference(`gamma = ${cell(r.gamma)} (clipping starts)`, r.gamma, REFERENCE_LINE.gamma);
      line += `; above gamma = ${cell(r.gamma)} on ${norms.filter((g) => g > r.gamma!).length} of ${norms.length} steps`;
      if (r.delta !== null) {
        const bound = r.gamma / r.delta;
        reference(
          `gamma/delta = ${cell(bound)} (the floor binds)`,
          bound,
          REFERENCE_LINE.gammaOverDelta,
        );
        line += `, above gamma/delta = ${cell(bound)} on ${norms.filter((g) => g > bound).length}`;
      }
    }
    alt.push(`${line}.`);
  }
  return {
    id: 'chart-grad-norm',
    title:
      'Gradient norm ||g_t|| against gamma (clipping starts) and gamma/delta (the floor binds)',
    xLabel: 'step',
    yLabel: '||g|| (log)',
    xs,
    series,
    keys,
    alt,
  };
}

const KERNEL_DASH = [2, 2] as const;

function muChart(runs: readonly ChartRun[]): ChartSpec | null {
  if (!runs.some((r) => r.mu.some((v) => v !== null))) return null;
  const xs = union(runs.map((r) => r.analysisStep));
  const series: SeriesSpec[] = [];
  const alt: string[] = [];
  let kernel = false;
  for (const r of runs) {
    series.push({
      label: `${r.label} mu_t`,
      color: r.color,
      width: 2,
      values: align(xs, r.analysisStep, r.mu),
    });
    let line = `${r.label}: mu_t ${trend(r.analysisStep, r.mu) ?? 'undefined (L = 0)'}`;
    if (r.impliedMu.some((v) => v !== null)) {
      kernel = true;
      series.push({
        label: `${r.label} 2c lambda_min(K)`,
        color: r.color,
        dash: KERNEL_DASH,
        values: align(xs, r.analysisStep, r.impliedMu),
      });
      line += `; tangent-kernel bound ${trend(r.analysisStep, r.impliedMu)}`;
    }
    alt.push(`${line}.`);
  }
  return {
    id: 'chart-mu',
    title: 'PL* estimate mu_t = ||grad L||^2 / 2L, and the tangent-kernel bound',
    xLabel: 'step',
    yLabel: 'mu (log)',
    xs,
    series,
    alt,
    keys: [
      { label: 'mu_t along the run (solid)', color: REFERENCE_LINE.color },
      ...(kernel
        ? [
            {
              label: 'tangent-kernel bound 2c lambda_min(K) (dotted)',
              color: REFERENCE_LINE.color,
              dash: KERNEL_DASH,
            },
          ]
        : []),
    ],
  };
}

/** The standard charts of a report, in reading order. */
export function runCharts(runs: readonly ChartRun[]): ChartSpec[] {
  return [
    lossChart(runs),
    evaluationChart(runs),
    ...stepSizeCharts(runs),
    gradNormChart(runs),
    muChart(runs),
  ].filter((c): c is ChartSpec => c !== null);
}
