import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RunHistory } from '@deltaclip/train';
import type { RunCertificate, RunSummary } from '../summary.js';

export interface ReportRun {
  readonly summary: RunSummary;
  readonly history: RunHistory;
}

export interface ReportInput {
  readonly title: string;
  readonly subtitle: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly runs: readonly ReportRun[];
  readonly tableText: string;
  readonly insights: readonly string[];
  /**
   * More plots after the standard ones (a sweep's plots over its axes): `html` goes above the
   * settings, `script` runs after the page script (its `plot(el, title, xs, series, opts)` and
   * `COLORS` are in scope) with `EXTRA` = `data`.
   */
  readonly extra?: { readonly html: string; readonly script: string; readonly data: unknown };
  /** Every run's certificate (all seeds), for the certificate table; default: the plotted runs'. */
  readonly certificates?: readonly {
    readonly label: string;
    readonly certificate: RunCertificate | null;
  }[];
}

const VERDICT_COLORS: Readonly<Record<string, string>> = {
  informative: '#1a7f37',
  vacuous: '#9a6700',
  fails: '#cf222e',
  'not-covered': '#57606a',
};

/**
 * One row per run: the verdict level, mu's source, and the plain sentence (or why not covered). A
 * run the argument does not cover has no certificate, so no mu source is shown for it.
 */
function certificateTable(input: ReportInput): string {
  const rows = (
    input.certificates ??
    input.runs.map((r) => ({ label: r.summary.label, certificate: r.summary.certificate }))
  ).filter((r) => r.certificate !== null);
  if (rows.length === 0) return '';
  const body = rows
    .map(({ label, certificate: c }) => {
      const verdict = c!.verdict;
      const words = c!.covered
        ? `${c!.sentence}. mu: ${c!.muNote}. beta: ${c!.betaNote}.`
        : c!.explanation;
      return `<tr><th>${escapeHtml(label)}</th><td><b style="color:${VERDICT_COLORS[verdict] ?? '#222'}">${escapeHtml(verdict)}</b></td><td>${escapeHtml((c!.covered ? c!.muSource : null) ?? '-')}</td><td>${escapeHtml(words)}</td></tr>`;
    })
    .join('');
  return `<h2>Convergence certificates</h2>
<table class="settings"><tr><th>run</th><th>verdict</th><th>mu source</th><th>what it guarantees</th></tr>${body}</table>`;
}

const MAX_POINTS = 4000;

function thin<T>(values: readonly T[]): T[] {
  if (values.length <= MAX_POINTS) return [...values];
  const stride = Math.ceil(values.length / MAX_POINTS);
  return values.filter((_, i) => i % stride === 0 || i === values.length - 1);
}

/** The plot data of one run, compact and JSON-safe (null for missing). */
function runData(run: ReportRun) {
  const steps = thin(run.history.steps);
  const o = run.summary.optimizer;
  const clipping = run.summary.clipping;
  return {
    label: run.summary.label,
    name: o.className,
    gamma: clipping?.gamma ?? null,
    delta: clipping && clipping.delta > 0 ? clipping.delta : null,
    step: steps.map((s) => s.step),
    loss: steps.map((s) => (Number.isFinite(s.loss) ? s.loss : null)),
    gradNorm: steps.map((s) => s.gradNorm ?? null),
    stepSize: steps.map((s) => s.stepSize ?? null),
    regime: steps.map((s) => s.regime ?? null),
    epochStep: run.history.epochs.map((e) => e.step),
    trainLoss: run.history.epochs.map((e) => e.train.loss ?? null),
    testLoss: run.history.epochs.map((e) => e.test?.loss ?? null),
    testAccuracy: run.history.epochs.map((e) => e.test?.accuracy ?? null),
    analysisStep: run.history.analysis.map((a) => a.step),
    mu: run.history.analysis.map((a) => (a.mu as number | null) ?? null),
    impliedMu: run.history.analysis.map(
      (a) => ((a.kernel as { impliedMu?: number } | null)?.impliedMu as number | undefined) ?? null,
    ),
  };
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const main = require.resolve('uplot');
  const dist = main.slice(0, main.lastIndexOf('/'));
  return {
    js: readFileSync(`${dist}/uPlot.iife.min.js`, 'utf8'),
    css: readFileSync(`${dist}/uPlot.min.css`, 'utf8'),
  };
}

// The page script: builds the plots from DATA with uPlot. Plain ES2017, no dependencies.
const PAGE_SCRIPT = `
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const REGIME_COLORS = { unclipped: '#2ca02c', clipped: '#ff7f0e', floored: '#d62728', skipped: '#7f7f7f' };
const width = () => Math.min(900, document.body.clientWidth - 40);
function union(arrays) { return [...new Set(arrays.flat())].sort((a, b) => a - b); }
function align(xs, runXs, values) {
  const at = new Map(runXs.map((x, i) => [x, values[i]]));
  return xs.map((x) => (at.has(x) && at.get(x) !== null && at.get(x) > 0 ? at.get(x) : null));
}
function plot(el, title, xs, series, opts = {}) {
  const div = document.createElement('div');
  div.className = 'plot';
  el.appendChild(div);
  new uPlot({
    title, width: width(), height: 300,
    scales: { x: { time: false, distr: opts.xLog ? 3 : 1 }, y: { distr: opts.log === false ? 1 : 3 } },
    axes: [{ label: opts.xLabel || 'step' }, { label: opts.yLabel || '' , size: 70 }],
    series: [{ label: opts.xLabel || 'step' }, ...series.map((s) => s.spec)],
  }, [xs, ...series.map((s) => s.values)], div);
}
const root = document.getElementById('plots');
const runs = DATA.runs;
{ const xs = union(runs.map((r) => r.step));
  plot(root, 'Training loss per step (the batch of each step; full batch: L(w_t))', xs,
    runs.map((r, i) => ({ spec: { label: r.label, stroke: COLORS[i % 8], width: 1.5, spanGaps: true }, values: align(xs, r.step, r.loss) })),
    { yLabel: 'loss (log)' }); }
{ const xs = union(runs.map((r) => r.epochStep));
  const series = [];
  runs.forEach((r, i) => {
    series.push({ spec: { label: r.label + ' train', stroke: COLORS[i % 8], width: 2, spanGaps: true }, values: align(xs, r.epochStep, r.trainLoss) });
    if (r.testLoss.some((v) => v !== null)) series.push({ spec: { label: r.label + ' test', stroke: COLORS[i % 8], dash: [6, 4], width: 2, spanGaps: true }, values: align(xs, r.epochStep, r.testLoss) });
  });
  plot(root, 'Evaluation loss (same evaluation for every optimizer)', xs, series, { yLabel: 'loss (log)' }); }
runs.forEach((r, i) => {
  // Step sizes mean something for the clipping optimizers; SGD's is constant and Adam's is per coordinate.
  if (r.gamma === null || !r.stepSize.some((v) => v !== null)) return;
  const xs = r.step;
  const series = ['unclipped', 'clipped', 'floored', 'skipped']
    .filter((g) => r.regime.includes(g))
    .map((g) => ({ spec: { label: 'h_t ' + g, stroke: REGIME_COLORS[g], fill: undefined, width: 0, paths: () => null, points: { show: true, size: 4, fill: REGIME_COLORS[g], stroke: REGIME_COLORS[g] } },
      values: r.stepSize.map((h, k) => (r.regime[k] === g && h > 0 ? h : null)) }));
  plot(root, 'Step size h_t by regime: ' + r.label, xs, series, { yLabel: 'h_t (log)' });
});
if (runs.some((r) => r.gradNorm.some((v) => v !== null))) {
  const xs = union(runs.map((r) => r.step));
  const series = runs.map((r, i) => ({ spec: { label: r.label, stroke: COLORS[i % 8], width: 1.5, spanGaps: true }, values: align(xs, r.step, r.gradNorm) }));
  const thresholds = new Set();
  runs.forEach((r) => {
    if (r.gamma !== null && !thresholds.has('g' + r.gamma)) { thresholds.add('g' + r.gamma); series.push({ spec: { label: 'gamma = ' + r.gamma, stroke: '#ff7f0e', dash: [4, 4] }, values: xs.map(() => r.gamma) }); }
    if (r.delta && !thresholds.has('f' + r.gamma / r.delta)) { thresholds.add('f' + r.gamma / r.delta); series.push({ spec: { label: 'gamma/delta = ' + (r.gamma / r.delta).toPrecision(3), stroke: '#d62728', dash: [4, 4] }, values: xs.map(() => r.gamma / r.delta) }); }
  });
  plot(root, 'Gradient norm ||g_t|| against gamma (clipping starts) and gamma/delta (the floor binds)', xs, series, { yLabel: '||g|| (log)' });
}
if (runs.some((r) => r.mu.some((v) => v !== null))) {
  const xs = union(runs.map((r) => r.analysisStep));
  const series = [];
  runs.forEach((r, i) => {
    series.push({ spec: { label: r.label + ' mu_t', stroke: COLORS[i % 8], width: 2, spanGaps: true, points: { show: true } }, values: align(xs, r.analysisStep, r.mu) });
    if (r.impliedMu.some((v) => v !== null)) series.push({ spec: { label: r.label + ' 2c lambda_min(K)', stroke: COLORS[i % 8], dash: [3, 3], spanGaps: true }, values: align(xs, r.analysisStep, r.impliedMu) });
  });
  plot(root, 'PL* estimate mu_t = ||grad L||^2 / 2L, and the tangent-kernel bound', xs, series, { yLabel: 'mu (log)' });
}
`;

/** A self-contained HTML report (uPlot inlined): viewable offline, no network. */
export function renderHtmlReport(input: ReportInput): string {
  const { js, css } = uplotAssets();
  const data = JSON.stringify({ runs: input.runs.map(runData) }).replace(/</g, '\\u003c');
  const settings = Object.entries(input.settings)
    .map(
      ([k, v]) =>
        `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${css}
body { font: 14px/1.45 system-ui, sans-serif; margin: 20px; color: #222; max-width: 960px; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
pre.wrap { white-space: pre-wrap; }
table.settings { border-collapse: collapse; font-size: 12px; }
table.settings th, table.settings td { text-align: left; padding: 2px 10px 2px 0; vertical-align: top; }
.plot { margin: 18px 0; }
</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.subtitle)}</p>
<h2>Results</h2>
<pre>${escapeHtml(input.tableText)}</pre>
${certificateTable(input)}
${input.insights.length ? `<h2>Why it converges (or not)</h2><pre class="wrap">${escapeHtml(input.insights.join('\n'))}</pre>` : ''}
<h2>Plots</h2>
<div id="plots"></div>
${input.extra?.html ?? ''}
<h2>Settings</h2>
<table class="settings">${settings}</table>
<p>Made by deltaclip. Plots by uPlot (MIT).</p>
<script>${js}</script>
<script>const DATA = ${data};
${PAGE_SCRIPT}</script>
${
  input.extra
    ? `<script>const EXTRA = ${JSON.stringify(input.extra.data).replace(/</g, '\\u003c')};
${input.extra.script}</script>`
    : ''
}
</body>
</html>
`;
}
