import { canonicalClassName, type RegimeCounts } from '@deltaclip/core';
import {
  adviseDelta,
  type Certificate,
  certificateInputsFromRecords,
  certify,
  type DeltaAdvice,
  type PlStarRecord,
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
  readonly finalTrainLoss: number | null;
  readonly bestTrainLoss: number | null;
  readonly finalTestLoss: number | null;
  readonly bestTestLoss: number | null;
  readonly finalTestAccuracy: number | null;
  readonly bestTestAccuracy: number | null;
  readonly regimeCounts: RegimeCounts;
  /** δ-GClip with PL* analysis: the convergence certificate. */
  readonly certificate: Certificate | null;
  /** GClip and δ-GClip: whether the δ floor bound and which delta would make it. */
  readonly deltaAdvice: DeltaAdvice | null;
}

function finite(values: readonly (number | undefined)[]): number[] {
  return values.filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** Summarize a finished run; certificate and advice where they apply. */
export function summarizeRun(outcome: RunOutcome, seconds: number, backend: string): RunSummary {
  const { spec, result, regimeCounts } = outcome;
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
  let certificate: Certificate | null = null;
  const records = result.history.analysis as unknown as PlStarRecord[];
  if (
    canonicalClassName(o.className) === 'deltaclip.DeltaGClip' &&
    records.length > 0 &&
    spec.batchSize === 'full' &&
    !spec.schedule
  ) {
    const inputs = certificateInputsFromRecords(records);
    if (inputs.mu !== null && inputs.beta !== null) {
      certificate = certify({
        eta: learningRateOf(o),
        gamma,
        delta,
        mu: inputs.mu,
        beta: inputs.beta,
        // Full-batch runs: the loss of step t's batch is L(w_t).
        losses: result.history.steps.map((s) => ({ step: s.step, loss: s.loss })),
        steps,
        distances: inputs.distances,
        muTrajectory: inputs.muTrajectory,
        lossConvention: inputs.lossConvention,
      });
    }
  }
  return {
    label: describeOptimizer(o),
    optimizer: o,
    clipping: clippingOf(o),
    steps: result.position.step,
    seconds,
    backend,
    finalTrainLoss: trainLosses.at(-1) ?? null,
    bestTrainLoss: trainLosses.length ? Math.min(...trainLosses) : null,
    finalTestLoss: testLosses.at(-1) ?? null,
    bestTestLoss: testLosses.length ? Math.min(...testLosses) : null,
    finalTestAccuracy: testAccuracy.at(-1) ?? null,
    bestTestAccuracy: testAccuracy.length ? Math.max(...testAccuracy) : null,
    regimeCounts,
    certificate,
    deltaAdvice: clipping ? adviseDelta({ gamma, delta, steps, counts: regimeCounts }) : null,
  };
}

function cell(x: number | null, digits = 4): string {
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

/** The results table of a comparison. */
export function resultsTable(runs: readonly RunSummary[]): string {
  const hasTest = runs.some((r) => r.finalTestLoss !== null);
  const hasAccuracy = runs.some((r) => r.finalTestAccuracy !== null);
  const header = [
    'optimizer',
    'final train loss',
    'best train loss',
    ...(hasTest ? ['final test loss', 'best test loss'] : []),
    ...(hasAccuracy ? ['test accuracy'] : []),
    'steps',
    'time s',
    'regimes u/c/f/s',
  ];
  const rows = runs.map((r) => [
    r.label,
    cell(r.finalTrainLoss),
    cell(r.bestTrainLoss),
    ...(hasTest ? [cell(r.finalTestLoss), cell(r.bestTestLoss)] : []),
    ...(hasAccuracy ? [cell(r.finalTestAccuracy, 3)] : []),
    String(r.steps),
    r.seconds.toFixed(1),
    `${r.regimeCounts.unclipped}/${r.regimeCounts.clipped}/${r.regimeCounts.floored}/${r.regimeCounts.skipped}`,
  ]);
  return textTable(header, rows);
}

/** The certificate and the δ advice in words. */
export function insightLines(runs: readonly RunSummary[]): string[] {
  const lines: string[] = [];
  for (const r of runs) {
    if (r.certificate) {
      lines.push(
        `${r.label}: convergence certificate ${r.certificate.held ? 'HOLDS' : 'is VIOLATED'}`,
      );
      if (r.certificate.lossConvention)
        lines.push(`  measured under the loss: ${r.certificate.lossConvention}`);
      for (const c of r.certificate.checks)
        lines.push(`  [${c.held ? 'held' : 'violated'}] ${c.name}: ${c.detail}`);
    }
    if (r.deltaAdvice) lines.push(`${r.label}: ${r.deltaAdvice.message}`);
  }
  return lines;
}
