/**
 * A sweep's results: one row per run (runs.csv), everything as JSON (results.json), and the
 * report (report.html: the standard per-run plots, plus the final loss over each swept axis with
 * the mean and standard deviation over seeds).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeReport } from '../report/files.js';
import { type RunSummary, resultsTable, summarizeRun } from '../summary.js';
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

/** Per swept axis (seed excluded): x = its values, one series per combination of the other axes. */
function axisPlots(sweep: SweepSpec, groups: readonly SeedGroup[]) {
  const swept = sweep.axes.filter((a) => a.name !== 'seed' && a.values.length > 1);
  return swept.map((axis) => {
    const xsNumeric = axis.values.every((x) => typeof x === 'number');
    const xs = axis.values.map((x, i) => (xsNumeric ? (x as number) : i));
    const series = new Map<
      string,
      { label: string; mean: (number | null)[]; std: (number | null)[] }
    >();
    for (const g of groups) {
      const { [axis.name]: x, ...others } = g.params;
      const key = JSON.stringify(others);
      const label =
        Object.entries(others)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ') || 'mean over seeds';
      if (!series.has(key))
        series.set(key, { label, mean: xs.map(() => null), std: xs.map(() => null) });
      const at = axis.values.indexOf(x as string | number | boolean);
      const s = g.stats.finalTrainLoss;
      series.get(key)!.mean[at] = s.mean;
      series.get(key)!.std[at] = s.std;
    }
    const positive = xsNumeric && xs.every((x) => x > 0);
    const ratio = positive ? Math.max(...xs) / Math.min(...xs) : 1;
    return {
      axis: axis.name,
      xs,
      ticks: xsNumeric ? null : axis.values.map(String),
      xLog: positive && ratio >= 20,
      series: [...series.values()].slice(0, 8),
      omitted: Math.max(0, series.size - 8),
    };
  });
}

const AXIS_SCRIPT = `
const axisRoot = document.getElementById('axis-plots');
EXTRA.plots.forEach((p) => {
  const series = [];
  p.series.forEach((s, i) => {
    const c = COLORS[i % 8];
    const pos = (v) => (v !== null && v > 0 ? v : null);
    series.push({ spec: { label: s.label + ' mean', stroke: c, width: 2, points: { show: true } }, values: s.mean.map(pos) });
    series.push({ spec: { label: '- std', stroke: c, dash: [3, 3], width: 1 }, values: s.mean.map((m, k) => (m === null ? null : pos(m - s.std[k]))) });
    series.push({ spec: { label: '+ std', stroke: c, dash: [3, 3], width: 1 }, values: s.mean.map((m, k) => (m === null ? null : pos(m + s.std[k]))) });
  });
  const title = 'Final training loss over ' + p.axis + ' (mean and mean +- std over seeds)' + (p.ticks ? ': ' + p.ticks.map((t, i) => i + ' = ' + t).join(', ') : '') + (p.omitted ? ' (' + p.omitted + ' more series not shown)' : '');
  plot(axisRoot, title, p.xs, series, { xLabel: p.axis, yLabel: 'final loss (log)', xLog: p.xLog });
});
`;

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
  const plots = axisPlots(sweep, groups);
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
      tableText,
      insights,
      extra: {
        html: plots.length ? '<h2>Over the swept axes</h2>\n<div id="axis-plots"></div>' : '',
        script: plots.length ? AXIS_SCRIPT : '',
        data: { plots },
      },
    },
    json,
  );
  const csvPath = join(dir, 'runs.csv');
  writeFileSync(csvPath, runsCsv(sweep, records, summaries));
  return { files: [...files, csvPath], tableText, groups };
}
