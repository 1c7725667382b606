import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeOptimizer,
  optimizerTitle,
  type RunOptimizer,
  type RunSpec,
} from '@deltaclip/train';
import type { Values } from './args.js';
import { type InputSpacing, vacuousWhyLine } from './conditioning.js';
import { plannedSteps } from './kernel-choice.js';
import { writeErrorFor } from './out-dir.js';
import type { Output } from './output.js';
import { createProgress } from './progress.js';
import { writeReport } from './report/files.js';
import { headline } from './report/headline.js';
import type { RunnerResult } from './runner.js';
import { scheduleRuns, scheduleText } from './scheduling.js';
import {
  aggregateSeeds,
  type SeedAggregate,
  seedsTable,
  trainLossContender,
  winnerLine,
} from './seeds.js';
import {
  adviceLines,
  insightLines,
  plstarLines,
  type RunSummary,
  resultsTable,
  summarizeRun,
} from './summary.js';
import { runsCsv, seedGroups } from './sweep/aggregate.js';
import { placeRuns, runPlan } from './sweep/execute.js';
import { calibrate, type PlannedRun, planText } from './sweep/plan.js';
import type { SweepSpec } from './sweep/spec.js';

export interface ComparisonRequest {
  readonly title: string;
  /** One line about the task, for the report. */
  readonly subtitle: string;
  readonly base: Omit<RunSpec, 'optimizer'>;
  readonly optimizers: readonly RunOptimizer[];
  readonly backend: string;
  /** The plan's name (its sweep ID on a queue starts with it): `compare-cars`, `theory`. */
  readonly planName: string;
  /** Training samples of the task, for the plan's step counts. */
  readonly trainSize: number;
  /**
   * The command's values that place the runs, as for `deltaclip sweep`: --workers, --queue,
   * --attempts, --on-interrupt, --redis-timeout, --calibrate-steps.
   */
  readonly values: Values;
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

/** Labels made unique (`X`, `X #2`), so that two runs of one optimizer stay two groups. */
function distinct(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} #${n}`;
  });
}

/**
 * Train every optimizer on the same task — same initial weights, data order, schedule and
 * evaluation — as a sweep plan over optimizer x seed: printed with its run count and estimated
 * time, run on the local pool or the queue (`--queue`), aggregated over seeds by the sweep's
 * statistics; then write the report folder. Null when Ctrl-C stopped it (nothing written).
 */
export async function runComparison(
  request: ComparisonRequest,
  output: Output,
): Promise<ComparisonResult | null> {
  const t0 = performance.now();
  const seeds = request.seeds ?? [request.base.seed];
  const labels = request.optimizers.map(describeOptimizer);
  const axisLabels = distinct(labels);
  // Optimizer-major: runs[o * seeds.length + s] (the sweep's order: the last axis fastest).
  const sweep: SweepSpec = {
    name: request.planName,
    base: {
      dataset: request.base.task.dataset.name,
      model: request.base.task.model.kind,
      loss: request.base.task.loss.kind,
      epochs: request.base.epochs,
      'batch-size': request.base.batchSize,
    },
    axes: [
      { name: 'optimizer', values: axisLabels },
      { name: 'seed', values: seeds },
    ],
  };
  const planned: PlannedRun[] = request.optimizers.flatMap((optimizer, o) =>
    seeds.map((seed, s) => {
      const spec: RunSpec = { ...withSeed(request.base, seed), optimizer };
      const label =
        (optimizer.label ?? optimizerTitle(optimizer)) + (seeds.length > 1 ? ` seed ${seed}` : '');
      return {
        run: {
          index: o * seeds.length + s,
          params: { optimizer: axisLabels[o]!, seed },
          label,
          options: {},
          spec,
        },
        spec,
        steps: plannedSteps(spec, request.trainSize),
      };
    }),
  );
  const specs = planned.map((p) => p.spec);
  const progress = createProgress(process.stderr, { quiet: output.json });
  for (const note of request.notes ?? []) output.info(note);
  const placement = await placeRuns(request.values, planned.length);
  // On the local pool the cores are shared out (runs x threads); queue workers schedule their own.
  const schedule = scheduleRuns(planned.length, placement.workers);
  let text: string;
  try {
    const steps = Number(request.values['calibrate-steps'] ?? 0);
    const calibration = steps > 0 ? await calibrate(planned[0]!, steps, request.backend) : null;
    text = planText(
      sweep,
      planned,
      placement.where,
      placement.parallel,
      calibration,
      placement.handle === undefined,
    );
  } catch (error) {
    await placement.handle?.close();
    throw error;
  }
  if (placement.handle === undefined) text += `\nSchedule: ${scheduleText(schedule)}.`;
  if (output.json) process.stderr.write(`${text}\n`);
  else output.info(text);
  const outcome = await runPlan(placement, {
    sweep,
    planned,
    backend: request.backend,
    values: request.values,
    output,
    progress,
    stopOnFailure: true,
  });
  if (outcome === null) return null;
  const { records } = outcome;
  const results: RunnerResult[] = records.map((r) => r.result!);
  const workers = placement.workers;
  const runs = results.map((r, i) => {
    const summary = summarizeRun(r.outcome, r.seconds, r.backend);
    return seeds.length > 1
      ? { ...summary, label: `${summary.label} seed ${specs[i]!.seed}` }
      : summary;
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const summaries = new Map(runs.map((r, i) => [i, r]));
  const groups = seedGroups(records, summaries);
  const aggregates = aggregateSeeds(groups, runs, seeds);
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
    where: outcome.where,
    ...(outcome.sweepId ? { sweepId: outcome.sweepId } : {}),
    ...(placement.handle === undefined ? { threads: schedule.threads } : {}),
    wallSeconds: Number(wallSeconds.toFixed(2)),
    optimizers: labels,
  };
  const json = {
    title: request.title,
    createdAt: new Date().toISOString(),
    settings,
    winner,
    aggregates,
    groups,
    runs: results.map((r, i) => ({
      index: records[i]!.run.index,
      status: records[i]!.status,
      summary: runs[i],
      params: records[i]!.run.params,
      worker: records[i]!.worker,
      attempts: records[i]!.attempts,
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
      results: runs,
      aggregates,
      headline: headline(aggregates.map(trainLossContender)),
      // The certificates have their own cards in the report: the rest of the insights here.
      insights: [
        ...(request.notes ?? []),
        ...plstarLines(first),
        ...adviceLines(first),
        ...(why ? [why] : []),
      ],
    },
    json,
  );
  const csvPath = join(request.out, 'runs.csv');
  try {
    writeFileSync(csvPath, runsCsv(sweep, records, summaries));
  } catch (error) {
    throw writeErrorFor('--out', request.out, error);
  }
  files.push(csvPath);
  if (output.json) {
    output.result({ ...json, runs, report: join(request.out, 'report.html'), files });
  } else {
    output.text(`\n${tableText}\n`);
    if (insights.length) output.text(`${insights.join('\n')}\n`);
    output.text(
      `\nReport: ${join(request.out, 'report.html')} (also results.json, runs.csv, steps.csv, epochs.csv, analysis.csv)\n`,
    );
    output.text(
      `Done in ${wallSeconds.toFixed(1)} s with ${workers} worker${workers === 1 ? '' : 's'}.\n`,
    );
  }
  const steps = results.map((r) => r.outcome.result.history.steps);
  return { runs, wallSeconds, workers, files, seeds, aggregates, winner, steps };
}
