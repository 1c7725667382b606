import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  describeOptimizer,
  optimizerTitle,
  type RunOptimizer,
  type RunSpec,
} from '@deltaclip/train';
import { writeErrorFor } from './out-dir.js';
import type { Output } from './output.js';
import { createProgress } from './progress.js';
import { writeReport } from './report/files.js';
import { runInWorkers } from './runner.js';
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
  const specs: RunSpec[] = request.optimizers.map((optimizer) => ({ ...request.base, optimizer }));
  const workers = Math.max(1, Math.min(request.workers ?? availableParallelism(), specs.length));
  const labels = request.optimizers.map(describeOptimizer);
  const shortLabels = request.optimizers.map((o) => o.label ?? optimizerTitle(o));
  const progress = createProgress(process.stderr, { quiet: output.json });
  output.info(
    `${request.title}: ${specs.length} runs in ${workers} worker process${workers === 1 ? '' : 'es'}`,
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
  const runs = results.map((r) => summarizeRun(r.outcome, r.seconds, r.backend));
  const wallSeconds = (performance.now() - t0) / 1000;
  const tableText = resultsTable(runs);
  const insights = [...plstarLines(runs), ...insightLines(runs)];
  const settings = {
    ...request.settings,
    dataset: request.base.task.dataset,
    model: request.base.task.model,
    loss: request.base.task.loss,
    epochs: request.base.epochs,
    batchSize: request.base.batchSize,
    seed: request.base.seed,
    schedule: request.base.schedule ?? 'constant',
    analysis: request.base.analysis ?? 'off',
    backend: results[0]?.backend ?? request.backend,
    workers,
    wallSeconds: Number(wallSeconds.toFixed(2)),
    optimizers: labels,
  };
  const json = {
    title: request.title,
    createdAt: new Date().toISOString(),
    settings,
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
      runs: results.map((r, i) => ({ summary: runs[i]!, history: r.outcome.result.history })),
      tableText,
      insights,
    },
    json,
  );
  if (output.json) {
    output.result({ ...json, runs: runs, report: join(request.out, 'report.html'), files });
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
  return { runs, wallSeconds, workers, files };
}
