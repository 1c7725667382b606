/**
 * A sweep's results: one row per run (runs.csv), everything as JSON (results.json), and the
 * report (report.html: the standard per-run plots, plus the final loss over each swept axis with
 * the mean and standard deviation over seeds).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_LINE } from '@deltaclip/utils';
import type { ChartSpec } from '../report/charts.js';
import { runColors } from '../report/colors.js';
import { writeReport } from '../report/files.js';
import { headline } from '../report/headline.js';
import type { Contender } from '../seeds.js';
import { cell, type RunSummary, resultsTable, summarizeRun } from '../summary.js';
import type { RunRecord } from './records.js';
import type { SweepSpec } from './spec.js';

export interface Stat {
  readonly n: number;
  readonly mean: number | null;
  /** Sample standard deviation (n - 1); 0 for one value. */
  readonly std: number | null;
}

export function stat(values: readonly (number | null)[]): Stat {
  const xs = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (xs.length === 0) return { n: 0, mean: null, std: null };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance =
    xs.length > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1) : 0;
  return { n: xs.length, mean, std: Math.sqrt(variance) };
}

const METRICS = ['finalTrainLoss', 'finalTestLoss', 'finalTestAccuracy'] as const;
type Metric = (typeof METRICS)[number];

export interface SeedGroup {
  /** The run's axis values other than the seed. */
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly runs: readonly number[];
  readonly stats: Readonly<Record<Metric, Stat>>;
}

function withoutSeed(
  params: Readonly<Record<string, unknown>>,
): Record<string, string | number | boolean> {
  const { seed: _seed, ...rest } = params as Record<string, string | number | boolean>;
  return rest;
}

/** Runs that differ only in their seed, with mean and std of each final metric over them. */
export function seedGroups(
  records: readonly RunRecord[],
  summaries: ReadonlyMap<number, RunSummary>,
): SeedGroup[] {
  const groups = new Map<
    string,
    { params: Record<string, string | number | boolean>; runs: number[] }
  >();
  for (const r of records) {
    const params = withoutSeed(r.run.params);
    const key = JSON.stringify(params);
    if (!groups.has(key)) groups.set(key, { params, runs: [] });
    groups.get(key)!.runs.push(r.run.index);
  }
  return [...groups.values()].map((g) => ({
    params: g.params,
    runs: g.runs,
    stats: Object.fromEntries(
      METRICS.map((m) => [m, stat(g.runs.map((i) => summaries.get(i)?.[m] ?? null))]),
    ) as Record<Metric, Stat>,
  }));
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** runs.csv: one row per run, its axis values, status and final metrics. */
export function runsCsv(
  sweep: SweepSpec,
  records: readonly RunRecord[],
  summaries: ReadonlyMap<number, RunSummary>,
): string {
  const axes = sweep.axes.map((a) => a.name);
  const header = [
    'run',
    ...axes,
    'status',
    'final_train_loss',
    'final_test_loss',
    'final_test_accuracy',
    'steps',
    'seconds',
    'backend',
    'worker',
    'attempts',
    'error',
  ];
  const rows = records.map((r) => {
    const s = summaries.get(r.run.index);
    return [
      r.run.index + 1,
      ...axes.map((a) => r.run.params[a]),
      r.status,
      s?.finalTrainLoss,
      s?.finalTestLoss,
      s?.finalTestAccuracy,
      s?.steps,
      r.result ? Number(r.result.seconds.toFixed(3)) : undefined,
      r.result?.backend,
      r.worker,
      r.attempts,
      r.error ? `${r.error.name}: ${r.error.message}` : undefined,
    ];
  });
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

/** A group's axis values in words: `lr=0.1 optimizer=delta-gclip`, or `mean over seeds`. */
function groupLabel(params: Readonly<Record<string, unknown>>): string {
  return (
    Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 'mean over seeds'
  );
}

/** A group of seeds as a contender for the headline (runs without a final loss diverged). */
function groupContender(g: SeedGroup): Contender {
  const s = g.stats.finalTrainLoss;
  const diverged = g.runs.length - s.n;
  return {
    label: groupLabel(g.params),
    mean: diverged > 0 ? null : s.mean,
    std: s.n > 1 ? s.std : null,
    seeds: g.runs.length,
    diverged,
  };
}

const STD_DASH = [2, 3] as const;

/**
 * Per swept axis (seed excluded): x = its values, one series per combination of the other axes,
 * coloured by its runs' optimizer family (shades for several of one family), mean solid and
 * mean ± std dotted.
 */
function axisCharts(
  sweep: SweepSpec,
  groups: readonly SeedGroup[],
  classNameOf: (group: SeedGroup) => string,
): ChartSpec[] {
  const swept = sweep.axes.filter((a) => a.name !== 'seed' && a.values.length > 1);
  return swept.map((axis, k) => {
    const xsNumeric = axis.values.every((x) => typeof x === 'number');
    const xs = axis.values.map((x, i) => (xsNumeric ? (x as number) : i));
    const series = new Map<
      string,
      { label: string; className: string; mean: (number | null)[]; std: (number | null)[] }
    >();
    for (const g of groups) {
      const { [axis.name]: x, ...others } = g.params;
      const key = JSON.stringify(others);
      if (!series.has(key)) {
        series.set(key, {
          label: groupLabel(others),
          className: classNameOf(g),
          mean: xs.map(() => null),
          std: xs.map(() => null),
        });
      }
      const at = axis.values.indexOf(x as string | number | boolean);
      const s = g.stats.finalTrainLoss;
      series.get(key)!.mean[at] = s.mean;
      series.get(key)!.std[at] = s.std;
    }
    const positive = xsNumeric && xs.every((x) => x > 0);
    const ratio = positive ? Math.max(...xs) / Math.min(...xs) : 1;
    const shown = [...series.values()].slice(0, 8);
    const omitted = Math.max(0, series.size - 8);
    const colors = runColors(shown.map((s) => s.className));
    const pos = (v: number | null) => (v !== null && v > 0 ? v : null);
    const ticks = xsNumeric ? null : axis.values.map(String);
    const at = (i: number) => (ticks ? ticks[i]! : String(xs[i]));
    return {
      id: `chart-axis-${k}`,
      title: `Final training loss over ${axis.name} (mean and mean ± std over seeds)${omitted ? ` (${omitted} more series not shown)` : ''}`,
      xLabel: axis.name,
      yLabel: 'final loss (log)',
      xLog: positive && ratio >= 20,
      ticks,
      xs,
      series: shown.flatMap((s, i) => [
        { label: `${s.label} mean`, color: colors[i]!, width: 2, values: s.mean.map(pos) },
        {
          label: `${s.label} - std`,
          color: colors[i]!,
          dash: STD_DASH,
          width: 1,
          values: s.mean.map((m, j) => (m === null ? null : pos(m - (s.std[j] ?? 0)))),
        },
        {
          label: `${s.label} + std`,
          color: colors[i]!,
          dash: STD_DASH,
          width: 1,
          values: s.mean.map((m, j) => (m === null ? null : pos(m + (s.std[j] ?? 0)))),
        },
      ]),
      keys: [
        { label: 'mean over seeds (solid)', color: REFERENCE_LINE.color },
        { label: 'mean ± std (dotted)', color: REFERENCE_LINE.color, dash: STD_DASH },
      ],
      alt: shown.map(
        (s) =>
          `${s.label}: ${s.mean
            .map((m, i) =>
              m === null
                ? `${axis.name} ${at(i)}: no finished run`
                : `${axis.name} ${at(i)}: ${cell(m)}${s.std[i] ? ` ± ${cell(s.std[i]!)}` : ''}`,
            )
            .join('; ')}.`,
      ),
    };
  });
}

export interface SweepReport {
  readonly files: string[];
  readonly tableText: string;
  readonly groups: SeedGroup[];
}

/** Write results.json, runs.csv, steps/epochs/analysis CSVs and report.html into `dir`. */
export function writeSweepReport(
  dir: string,
  sweep: SweepSpec,
  records: readonly RunRecord[],
  meta: Readonly<Record<string, unknown>>,
): SweepReport {
  const summaries = new Map<number, RunSummary>();
  for (const r of records) {
    if (r.status === 'done' && r.result) {
      const s = summarizeRun(r.result.outcome, r.result.seconds, r.result.backend);
      summaries.set(r.run.index, { ...s, label: r.run.label });
    }
  }
  const done = records.filter((r) => summaries.has(r.run.index));
  const groups = seedGroups(done, summaries);
  const tableText = done.length
    ? resultsTable(done.map((r) => summaries.get(r.run.index)!))
    : '(no run finished)';
  const failed = records.filter((r) => r.status === 'failed');
  const insights = failed.map(
    (r) => `run ${r.run.index + 1} (${r.run.label}) failed: ${r.error?.name}: ${r.error?.message}`,
  );
  const json = {
    sweep: { name: sweep.name, base: sweep.base, axes: sweep.axes, ...meta },
    createdAt: new Date().toISOString(),
    groups,
    runs: records.map((r) => ({
      index: r.run.index,
      label: r.run.label,
      params: r.run.params,
      options: r.run.options,
      status: r.status,
      worker: r.worker,
      attempts: r.attempts,
      ...(r.error ? { error: r.error } : {}),
      ...(r.result?.resumedFrom !== undefined ? { resumedFrom: r.result.resumedFrom } : {}),
      ...(r.result
        ? {
            summary: summaries.get(r.run.index),
            spec: r.result.outcome.spec,
            history: r.result.outcome.result.history,
          }
        : {}),
    })),
  };
  const classNameOf = (g: SeedGroup) =>
    summaries.get(g.runs[0]!)?.optimizer.className ?? 'deltaclip.SGD';
  const charts = axisCharts(sweep, groups, classNameOf);
  const firstSpec = done[0]?.result?.outcome.spec;
  const swept = new Set(sweep.axes.filter((a) => a.values.length > 1).map((a) => a.name));
  const files = writeReport(
    dir,
    {
      title: `deltaclip sweep: ${sweep.name}`,
      subtitle: `${records.length} runs over ${sweep.axes.map((a) => `${a.name} (${a.values.length})`).join(' x ')}; ${done.length} finished, ${failed.length} failed.`,
      settings: {
        base: sweep.base,
        axes: Object.fromEntries(sweep.axes.map((a) => [a.name, a.values])),
        ...meta,
      },
      runs: done.map((r) => ({
        summary: summaries.get(r.run.index)!,
        history: r.result!.outcome.result.history,
      })),
      headline: done.length
        ? headline(groups.map(groupContender))
        : { text: 'No run finished: there is nothing to compare.', winner: null, kind: 'none' },
      ...(firstSpec
        ? {
            // A swept model or loss has no one description: the axes name them.
            task: {
              dataset: swept.has('dataset') ? 'swept (see the axes)' : firstSpec.task.dataset,
              model: swept.has('model') ? 'swept (see the axes)' : firstSpec.task.model,
              loss: swept.has('loss') ? 'swept (see the axes)' : firstSpec.task.loss,
            },
          }
        : {}),
      insights,
      ...(charts.length ? { extra: { title: 'Over the swept axes', charts } } : {}),
    },
    json,
  );
  const csvPath = join(dir, 'runs.csv');
  writeFileSync(csvPath, runsCsv(sweep, records, summaries));
  return { files: [...files, csvPath], tableText, groups };
}
