import { canonicalClassName, type RegimeCounts } from '@deltaclip/core';
import {
  adviseDelta,
  type CertificateSummary,
  certificateCoverage,
  certificateInputsFromRecords,
  certifyRun,
  type DeltaAdvice,
  type MuSource,
  type OptimizerDescription,
  type PlStarRecord,
  summarizeCertificate,
} from '@deltaclip/plstar';
import { clippingOf, describeOptimizer, learningRateOf, type RunOutcome } from '@deltaclip/train';

/** What one run amounts to, for tables and reports. */
export interface RunSummary {
  readonly label: string;
  readonly optimizer: RunOutcome['spec']['optimizer'];
  /** gamma and delta (0 for GClip) of clipping optimizers, with their class defaults; else null. */
  readonly clipping: { readonly gamma: number; readonly delta: number } | null;
  readonly steps: number;
  readonly seconds: number;
  readonly backend: string;
  /** Null when the run diverged (see `diverged`): its last finite loss is not its result. */
  readonly finalTrainLoss: number | null;
  readonly bestTrainLoss: number | null;
  readonly finalTestLoss: number | null;
  readonly bestTestLoss: number | null;
  readonly finalTestAccuracy: number | null;
  readonly bestTestAccuracy: number | null;
  readonly regimeCounts: RegimeCounts;
  /**
   * The first step with a non-finite training loss, and that loss as text (`NaN`, `Infinity`:
   * JSON has no number for them); the run stopped there.
   */
  readonly diverged: { readonly step: number; readonly loss: string } | null;
  /** PL* analysis along the run, under the run's own loss; null without analysis. */
  readonly plstar: PlStarSummary | null;
  /**
   * The convergence certificate (gradient descent and δ-GClip with PL* analysis), or why the
   * argument does not cover this optimizer; null for a covered optimizer run without analysis.
   */
  readonly certificate: RunCertificate | null;
  /** GClip and δ-GClip: whether the δ floor bound and which delta would make it. */
  readonly deltaAdvice: DeltaAdvice | null;
}

/**
 * A run's certificate as the CLI reports it: plstar's compact summary where the argument covers
 * the optimizer, else its one-line explanation. Both carry `verdict` and `muSource`, so every run
 * of a comparison is graded in the same vocabulary.
 */
export type RunCertificate =
  | (CertificateSummary & { readonly covered: true })
  | {
      readonly covered: false;
      readonly verdict: 'not-covered';
      /** Where the run's mu would have come from (its analysis), or null without analysis. */
      readonly muSource: MuSource | null;
      readonly mu: number | null;
      readonly explanation: string;
      /** Null and empty: the argument gives no guarantee to measure (same keys as a covered run). */
      readonly tightness: null;
      readonly radius: null;
      readonly maxDistance: null;
      readonly checks: readonly [];
    };

const NO_GUARANTEE = { tightness: null, radius: null, maxDistance: null, checks: [] } as const;

/** How the convergence argument sees a run's optimizer (plstar's vocabulary). */
export function optimizerFamily(spec: RunOutcome['spec']): OptimizerDescription {
  const o = spec.optimizer;
  const className = canonicalClassName(o.className);
  const config = o.config as Record<string, unknown>;
  // Weight decay or an extra clip change the update away from h_t * grad L.
  const plain = !config.weightDecay && config.clipNorm == null;
  const family: OptimizerDescription['family'] = !plain
    ? 'other'
    : className === 'deltaclip.SGD'
      ? 'gradient-descent'
      : className === 'deltaclip.DeltaGClip'
        ? 'delta-gclip'
        : className === 'deltaclip.GClip'
          ? 'gclip'
          : className === 'deltaclip.Adam'
            ? 'adam'
            : 'other';
  return {
    family,
    name: describeOptimizer(o),
    ...(family === 'delta-gclip' ? { delta: clippingOf(o)?.delta ?? 0 } : {}),
    fullBatch: spec.batchSize === 'full',
    constantLearningRate: !spec.schedule,
  };
}

/** The PL* picture of a run in a few numbers. */
export interface PlStarSummary {
  /** The loss mu_t was measured under, e.g. `softmax cross-entropy` or `0.5 * mean squared error`. */
  readonly lossConvention: string;
  readonly records: number;
  readonly firstStep: number;
  readonly lastStep: number;
  /** mu_t = ||grad L||^2 / 2L at the first and last analysis (null where L = 0). */
  readonly muFirst: number | null;
  readonly muLast: number | null;
  /** The tangent kernel's implied mu at the last analysis that had one (square losses only). */
  readonly kernelMuLast: number | null;
  /** Why the kernel bound is absent (plstar's own sentence), when it is. */
  readonly kernelSkipped: string | null;
  /** The spectrum of the kernel with the smallest lambda_min (the one behind the certificate's mu). */
  readonly kernelSpectrum: { readonly lambdaMin: number; readonly lambdaMax: number } | null;
}

function plstarSummary(records: readonly PlStarRecord[]): PlStarSummary | null {
  const first = records[0];
  const last = records.at(-1);
  if (first === undefined || last === undefined) return null;
  const withKernel = records.filter((r) => r.kernel);
  return {
    lossConvention: last.lossConvention,
    records: records.length,
    firstStep: first.step ?? 0,
    lastStep: last.step ?? 0,
    muFirst: first.mu,
    muLast: last.mu,
    kernelMuLast: withKernel.at(-1)?.kernel?.impliedMu ?? null,
    kernelSkipped: withKernel.length > 0 ? null : (last.kernelSkipped ?? null),
    kernelSpectrum: smallestKernel(withKernel),
  };
}

function smallestKernel(
  records: readonly PlStarRecord[],
): { lambdaMin: number; lambdaMax: number } | null {
  let best: { lambdaMin: number; lambdaMax: number } | null = null;
  for (const r of records) {
    const k = r.kernel;
    if (!k || k.lambdaMin === null || k.lambdaMax === null) continue;
    if (best === null || k.lambdaMin < best.lambdaMin) {
      best = { lambdaMin: k.lambdaMin, lambdaMax: k.lambdaMax };
    }
  }
  return best;
}

/** A run's divergence in words: `diverged at step 12 (loss NaN)`. */
export function divergedText(d: { readonly step: number; readonly loss: string }): string {
  return `diverged at step ${d.step} (loss ${d.loss})`;
}

function finite(values: readonly (number | undefined)[]): number[] {
  return values.filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** Summarize a finished run; certificate and advice where they apply. */
export function summarizeRun(outcome: RunOutcome, seconds: number, backend: string): RunSummary {
  const { spec, result, regimeCounts } = outcome;
  // Over JSON (a worker's IPC, a results file) a NaN loss arrives as null.
  const diverged = result.diverged
    ? { step: result.diverged.step, loss: String(result.diverged.loss ?? Number.NaN) }
    : null;
  const epochs = result.history.epochs;
  const trainLosses = finite(epochs.map((e) => e.train.loss));
  const testLosses = finite(epochs.map((e) => e.test?.loss));
  const testAccuracy = finite(epochs.map((e) => e.test?.accuracy));
  const o = spec.optimizer;
  const clipping =
    canonicalClassName(o.className) === 'deltaclip.DeltaGClipPerTensor' ? null : clippingOf(o);
  const gamma = clipping?.gamma ?? 0;
  const delta = clipping?.delta ?? 0;
  const steps = result.history.steps
    .filter((s) => s.stepSize !== undefined && s.regime !== undefined)
    .map((s) => ({
      step: s.step,
      gradNorm: s.gradNorm ?? Number.NaN,
      stepSize: s.stepSize!,
      regime: s.regime!,
    }));
  const records = result.history.analysis as unknown as PlStarRecord[];
  const inputs = records.length > 0 ? certificateInputsFromRecords(records) : null;
  let certificate: RunCertificate | null = null;
  const description = optimizerFamily(spec);
  if (inputs !== null && inputs.mu !== null && inputs.beta !== null) {
    const c = certifyRun(description, {
      eta: learningRateOf(o),
      ...(clipping ? { gamma } : {}),
      mu: inputs.mu,
      beta: inputs.beta,
      // Full-batch runs: the loss of step t's batch is L(w_t).
      losses: result.history.steps.map((s) => ({ step: s.step, loss: s.loss })),
      ...(steps.length > 0 ? { steps } : {}),
      distances: inputs.distances,
      muTrajectory: inputs.muTrajectory,
      lossConvention: inputs.lossConvention,
      // Where mu comes from (kernel-full, kernel-subset or trajectory) sets the verdict's level.
      ...(inputs.muSource === null ? {} : { muSource: inputs.muSource }),
      muPoints: inputs.muPoints,
      kernelSamples: inputs.kernelSamples,
      totalSamples: inputs.totalSamples,
      betaPoints: inputs.betaPoints,
    });
    certificate =
      'covered' in c && c.covered === false
        ? {
            covered: false,
            verdict: 'not-covered',
            muSource: inputs.muSource,
            mu: inputs.mu,
            explanation: c.explanation,
            ...NO_GUARANTEE,
          }
        : { covered: true, ...summarizeCertificate(c) };
  } else {
    const coverage = certificateCoverage(description);
    if (!coverage.covered) {
      certificate = {
        covered: false,
        verdict: 'not-covered',
        muSource: inputs?.muSource ?? null,
        mu: inputs?.mu ?? null,
        explanation: coverage.explanation,
        ...NO_GUARANTEE,
      };
    }
  }
  return {
    label: describeOptimizer(o),
    optimizer: o,
    clipping: clippingOf(o),
    steps: result.position.step,
    seconds,
    backend,
    finalTrainLoss: diverged ? null : (trainLosses.at(-1) ?? null),
    bestTrainLoss: trainLosses.length ? Math.min(...trainLosses) : null,
    finalTestLoss: diverged ? null : (testLosses.at(-1) ?? null),
    bestTestLoss: testLosses.length ? Math.min(...testLosses) : null,
    finalTestAccuracy: diverged ? null : (testAccuracy.at(-1) ?? null),
    bestTestAccuracy: testAccuracy.length ? Math.max(...testAccuracy) : null,
    regimeCounts,
    diverged,
    plstar: plstarSummary(records),
    certificate,
    deltaAdvice: clipping ? adviseDelta({ gamma, delta, steps, counts: regimeCounts }) : null,
  };
}

/** A number for a table cell: 4 significant digits, exponent form below 1e-3 and from 1e5. */
export function cell(x: number | null, digits = 4): string {
  if (x === null) return '-';
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

/** A plain-text table (for terminals and logs). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The results table's columns after the optimizer's name, one row per run: final and best
 * losses (a diverged run's final loss says where it diverged), accuracy, steps, time and regime
 * counts. The terminal table and report.html both render these.
 */
export function resultColumns(runs: readonly RunSummary[]): {
  header: string[];
  rows: string[][];
} {
  const hasTest = runs.some((r) => r.finalTestLoss !== null || r.bestTestLoss !== null);
  const hasAccuracy = runs.some((r) => r.finalTestAccuracy !== null || r.bestTestAccuracy !== null);
  return {
    header: [
      'final train loss',
      'best train loss',
      ...(hasTest ? ['final test loss', 'best test loss'] : []),
      ...(hasAccuracy ? ['test accuracy'] : []),
      'steps',
      'time s',
      'regimes u/c/f/s',
    ],
    rows: runs.map((r) => [
      r.diverged ? divergedText(r.diverged) : cell(r.finalTrainLoss),
      cell(r.bestTrainLoss),
      ...(hasTest ? [cell(r.finalTestLoss), cell(r.bestTestLoss)] : []),
      ...(hasAccuracy ? [cell(r.finalTestAccuracy, 3)] : []),
      String(r.steps),
      r.seconds.toFixed(1),
      `${r.regimeCounts.unclipped}/${r.regimeCounts.clipped}/${r.regimeCounts.floored}/${r.regimeCounts.skipped}`,
    ]),
  };
}

/** The results table of a comparison. */
export function resultsTable(runs: readonly RunSummary[]): string {
  const { header, rows } = resultColumns(runs);
  return textTable(
    ['optimizer', ...header],
    rows.map((row, i) => [runs[i]!.label, ...row]),
  );
}

function divergenceLines(runs: readonly RunSummary[]): string[] {
  return runs
    .filter((r) => r.diverged)
    .map(
      (r) =>
        `${r.label}: ${divergedText(r.diverged!)}; the run stopped there, and its final losses are not reported (the last finite value is not a result)`,
    );
}

/** The certificate and the δ advice in words. */
export function insightLines(runs: readonly RunSummary[]): string[] {
  const lines = divergenceLines(runs);
  for (const r of runs) {
    lines.push(...certificateLines(r));
    if (r.deltaAdvice) lines.push(`${r.label}: ${r.deltaAdvice.message}`);
  }
  return lines;
}

/** insightLines without the certificates (a report that shows them on their own). */
export function adviceLines(runs: readonly RunSummary[]): string[] {
  return [
    ...divergenceLines(runs),
    ...runs.filter((r) => r.deltaAdvice).map((r) => `${r.label}: ${r.deltaAdvice!.message}`),
  ];
}

/**
 * mu_t of every analyzed run under its own loss (the convention named once), the kernel bound
 * where it applies, and, where it does not, plstar's reason in one line.
 */
export function plstarLines(runs: readonly RunSummary[]): string[] {
  const analyzed = runs.filter((r) => r.plstar !== null);
  if (analyzed.length === 0) return [];
  const conventions = [...new Set(analyzed.map((r) => r.plstar!.lossConvention))];
  const lines = [
    `PL* along the runs, mu_t = ||grad L||^2 / 2L measured under the loss: ${conventions.join(' / ')}`,
  ];
  const mu = (x: number | null) => (x === null ? 'undefined (L = 0)' : cell(x));
  for (const r of analyzed) {
    const p = r.plstar!;
    lines.push(
      `  ${r.label}: mu_t ${mu(p.muFirst)} at step ${p.firstStep} -> ${mu(p.muLast)} at step ${p.lastStep}` +
        (p.kernelMuLast !== null ? `; tangent-kernel bound ${cell(p.kernelMuLast)}` : ''),
    );
  }
  const reasons = [...new Set(analyzed.map((r) => r.plstar!.kernelSkipped).filter((s) => s))];
  lines.push(...(reasons as string[]));
  return lines;
}

/** A run's certificate in words: verdict and sentence, where mu and beta come from, the checks. */
export function certificateLines(r: RunSummary): string[] {
  const c = r.certificate;
  if (c === null) return [];
  if (!c.covered) return [`${r.label}: certificate not-covered: ${c.explanation}`];
  const lines = [`${r.label}: certificate ${c.verdict} (mu source ${c.muSource}): ${c.sentence}`];
  for (const reason of c.reasons) lines.push(`  why ${c.verdict}: ${reason}`);
  lines.push(`  mu = ${cell(c.mu)}: ${c.muNote}`);
  lines.push(`  beta = ${cell(c.beta)}: ${c.betaNote}`);
  if (c.lossConvention) lines.push(`  measured under the loss: ${c.lossConvention}`);
  for (const check of c.checks)
    lines.push(`  [${check.held ? 'held' : 'violated'}] ${check.name}: ${check.detail}`);
  return lines;
}
