import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunHistory } from '@deltaclip/train';
import { type ReportInput, renderHtmlReport } from './html.js';

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

/**
 * Write a report folder: results.json (everything), steps.csv (every recorded step of every run),
 * epochs.csv (every evaluation), analysis.csv (PL* records) and report.html (plots, offline).
 */
export function writeReport(dir: string, input: ReportInput, json: unknown): string[] {
  mkdirSync(dir, { recursive: true });
  const runs = input.runs;
  const stepRows = runs.flatMap((r) =>
    r.history.steps.map((s) => [r.summary.label, s.step, s.loss, s.gradNorm, s.stepSize, s.regime]),
  );
  const epochRows = runs.flatMap((r) =>
    r.history.epochs.map((e) => [
      r.summary.label,
      e.epoch,
      e.step,
      e.train.loss,
      e.test?.loss,
      e.test?.accuracy ?? e.train.accuracy,
      e.seconds,
    ]),
  );
  const analysisRows = runs.flatMap((r: { summary: { label: string }; history: RunHistory }) =>
    r.history.analysis.map((a) => {
      const kernel = a.kernel as { lambdaMin?: number; impliedMu?: number } | null;
      const hessian = a.hessian as { beta?: number } | null;
      return [
        r.summary.label,
        a.step,
        a.loss,
        a.mu,
        kernel?.lambdaMin,
        kernel?.impliedMu,
        hessian?.beta,
        a.distanceFromInit,
      ];
    }),
  );
  const files = {
    'results.json': `${JSON.stringify(json, null, 1)}\n`,
    'steps.csv': csv(['optimizer', 'step', 'loss', 'grad_norm', 'step_size', 'regime'], stepRows),
    'epochs.csv': csv(
      ['optimizer', 'epoch', 'step', 'train_loss', 'test_loss', 'accuracy', 'seconds'],
      epochRows,
    ),
    'analysis.csv': csv(
      ['optimizer', 'step', 'loss', 'mu', 'lambda_min', 'implied_mu', 'beta', 'distance_from_init'],
      analysisRows,
    ),
    'report.html': renderHtmlReport(input),
  };
  return Object.entries(files).map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  });
}
