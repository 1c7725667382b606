import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  describeOptimizer,
  optimizerTitle,
  type RunOptimizer,
  type RunSpec,
} from '@deltaclip/train';
import { type InputSpacing, vacuousWhyLine } from './conditioning.js';
import { writeErrorFor } from './out-dir.js';
import type { Output } from './output.js';
import { createProgress } from './progress.js';
import { writeReport } from './report/files.js';
import { runInWorkers } from './runner.js';
import { scheduleRuns, scheduleText } from './scheduling.js';
import { aggregateSeeds, type SeedAggregate, seedsTable, winnerLine } from './seeds.js';
import {
  insightLines,
  plstarLines,
  type RunSummary,
  resultsTable,
  summarizeRun,
} from './summary.js';

export interface ComparisonRequest {
  readonly title: string;
  /** One line about the task, for the report. */
  readonly subtitle: string;
  readonly base: Omit<RunSpec, 'optimizer'>;
  readonly optimizers: readonly RunOptimizer[];
  readonly backend: string;
  readonly workers?: number;
  /** Report folder. */
  readonly out: string;
  /** Extra settings to show in the report. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /**
   * Seeds to run every optimizer with (initial weights and data order); default [base.seed].
   * With two or more, the results are also given as mean ± std per optimizer.
   */
  readonly seeds?: readonly number[];
  /** Lines printed before the runs and shown in the report (e.g. the kernel choice). */
  readonly notes?: readonly string[];
  /** How close the training inputs are (to explain a vacuous certificate); see conditioning.ts. */
  readonly spacing?: InputSpacing | null;
}

/** The base with another seed for the initial weights and the data order. */
export function withSeed(
  base: Omit<RunSpec, 'optimizer'>,
  seed: number,
): Omit<RunSpec, 'optimizer'> {
  return { ...base, seed, task: { ...base.task, model: { ...base.task.model, seed } } };
}

/** writeReport, with a folder that turned unwritable during the runs reported in one line. */
function writeReportOrExplain(...args: Parameters<typeof writeReport>): string[] {
  try {
    return writeReport(...args);
  } catch (error) {
    throw writeErrorFor('--out', args[0], error);
  }
}

export interface ComparisonResult {
  readonly runs: RunSummary[];
  readonly wallSeconds: number;
  readonly workers: number;
  readonly files: string[];
  readonly seeds: readonly number[];
  /** Per optimizer over the seeds (one entry per optimizer, also with one seed). */
  readonly aggregates: SeedAggregate[];
  readonly winner: string;
  /** Each run's step records (same order as `runs`). */
  readonly steps: readonly (readonly { step: number; regime?: string }[])[];
}

/**
 * Train every optimizer on the same task — same initial weights, data order, schedule and
 * evaluation — in parallel worker processes, then write the report folder.
 */
export async function runComparison(
  request: ComparisonRequest,
  output: Output,
): Promise<ComparisonResult> {
  const t0 = performance.now();
  const seeds = request.seeds ?? [request.base.seed];
  // Optimizer-major: runs[o * seeds.length + s] (see aggregateSeeds).
  const specs: RunSpec[] = request.optimizers.flatMap((optimizer) =>
    seeds.map((seed) => ({ ...withSeed(request.base, seed), optimizer })),
  );
  const workers = Math.max(1, Math.min(request.workers ?? availableParallelism(), specs.length));
  const schedule = scheduleRuns(specs.length, workers);
  const labels = request.optimizers.map(describeOptimizer);
  const seedTag = (i: number) => (seeds.length > 1 ? ` seed ${specs[i]!.seed}` : '');
  const shortLabels = specs.map(
    (s, i) => (s.optimizer.label ?? optimizerTitle(s.optimizer)) + seedTag(i),
  );
  const progress = createProgress(process.stderr, { quiet: output.json });
  for (const note of request.notes ?? []) output.info(note);
  output.info(
    `${request.title}: ${specs.length} runs (${request.optimizers.length} optimizer${request.optimizers.length === 1 ? '' : 's'} x ${seeds.length} seed${seeds.length === 1 ? '' : 's'}) in ${workers} worker process${workers === 1 ? '' : 'es'} (${scheduleText(schedule)})`,
  );
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let results: Awaited<ReturnType<typeof runInWorkers>>;
  try {
    results = await runInWorkers(specs, {
      workers,
      backend: request.backend,
      signal: controller.signal,
      onProgress: (i, step, total, loss) =>
        progress.update(
          shortLabels[i]!,
          step,
          total,
          loss === undefined ? '' : `loss ${loss.toPrecision(3)}`,
        ),
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.end();
  }
  const runs = results.map((r, i) => {
    const summary = summarizeRun(r.outcome, r.seconds, r.backend);
    return seeds.length > 1
      ? { ...summary, label: `${summary.label} seed ${specs[i]!.seed}` }
      : summary;
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const aggregates = aggregateSeeds(
    runs.map((r, i) => ({ ...r, label: labels[Math.floor(i / seeds.length)]! })),
    seeds,
  );
  const winner = winnerLine(aggregates);
  const seedsText = seedsTable(aggregates);
  const tableText =
    seeds.length > 1
      ? `${resultsTable(runs)}\n\nOver ${seeds.length} seeds (${seeds.join(', ')}):\n${seedsText}\n${winner}`
      : `${resultsTable(runs)}\n${winner}`;
  // Every run's certificate is in the JSON; in words, the first seed's (the table has the others' verdicts).
  const first = runs.filter((_, i) => i % seeds.length === 0);
  const why = vacuousWhyLine(first, request.spacing ?? null);
  const insights = [
    ...(request.notes ?? []),
    ...plstarLines(first),
    ...insightLines(first),
    ...(why ? [why] : []),
  ];
  const settings = {
    ...request.settings,
    dataset: request.base.task.dataset,
    model: request.base.task.model,
    loss: request.base.task.loss,
    epochs: request.base.epochs,
    batchSize: request.base.batchSize,
    seeds,
    schedule: request.base.schedule ?? 'constant',
    analysis: request.base.analysis ?? 'off',
    backend: results[0]?.backend ?? request.backend,
    workers,
    threads: schedule.threads,
    wallSeconds: Number(wallSeconds.toFixed(2)),
    optimizers: labels,
  };
  const json = {
    title: request.title,
    createdAt: new Date().toISOString(),
    settings,
    winner,
    aggregates,
    runs: results.map((r, i) => ({
      summary: runs[i],
      spec: r.outcome.spec,
      history: r.outcome.result.history,
    })),
  };
  const files = writeReportOrExplain(
    request.out,
    {
      title: request.title,
      subtitle: request.subtitle,
      settings,
      // The plots show the first seed; the table and the certificates cover every seed.
      runs: results
        .map((r, i) => ({ summary: runs[i]!, history: r.outcome.result.history }))
        .filter((_, i) => i % seeds.length === 0),
      certificates: runs.map((r) => ({ label: r.label, certificate: r.certificate })),
      tableText,
      insights,
    },
    json,
  );
  if (output.json) {
    output.result({ ...json, runs, report: join(request.out, 'report.html'), files });
  } else {
    output.text(`\n${tableText}\n`);
    if (insights.length) output.text(`${insights.join('\n')}\n`);
    output.text(
      `\nReport: ${join(request.out, 'report.html')} (also results.json, steps.csv, epochs.csv, analysis.csv)\n`,
    );
    output.text(
      `Done in ${wallSeconds.toFixed(1)} s with ${workers} worker${workers === 1 ? '' : 's'}.\n`,
    );
  }
  const steps = results.map((r) => r.outcome.result.history.steps);
  return { runs, wallSeconds, workers, files, seeds, aggregates, winner, steps };
}
