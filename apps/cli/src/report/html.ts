import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { learningRateOf, type RunHistory } from '@deltaclip/train';
import type { SeedAggregate } from '../seeds.js';
import type { RunCertificate, RunSummary } from '../summary.js';
import { type ChartRun, type ChartSpec, type LegendKey, runCharts } from './charts.js';
import { runColors } from './colors.js';
import { escapeHtml, swatch } from './escape.js';
import type { Headline } from './headline.js';
import { certificateCard, resultsTableHtml, seedsTableHtml } from './tables.js';
import { describeDataset, describeLoss, describeModel } from './words.js';

export interface ReportRun {
  readonly summary: RunSummary;
  readonly history: RunHistory;
}

export interface ReportInput {
  readonly title: string;
  readonly subtitle: string;
  readonly settings: Readonly<Record<string, unknown>>;
  /** The runs whose curves are drawn (with several seeds: the first seed of each optimizer). */
  readonly runs: readonly ReportRun[];
  /** Every run, for the results table; default: the drawn runs. */
  readonly results?: readonly RunSummary[];
  /** Per optimizer over the seeds (shown with two or more seeds). */
  readonly aggregates?: readonly SeedAggregate[];
  /** Who won, in one sentence (report/headline.ts). */
  readonly headline: Headline;
  /** The task in words; default: `settings.dataset`, `settings.model` and `settings.loss`. */
  readonly task?: { readonly dataset?: unknown; readonly model?: unknown; readonly loss?: unknown };
  readonly insights: readonly string[];
  /** More charts after the standard ones (a sweep's charts over its axes). */
  readonly extra?: { readonly title: string; readonly charts: readonly ChartSpec[] };
  /** Every run's certificate (all seeds); default: the drawn runs'. Cards show the drawn runs'. */
  readonly certificates?: readonly {
    readonly label: string;
    readonly certificate: RunCertificate | null;
  }[];
}

const MAX_POINTS = 4000;

function thin<T>(values: readonly T[]): T[] {
  if (values.length <= MAX_POINTS) return [...values];
  const stride = Math.ceil(values.length / MAX_POINTS);
  return values.filter((_, i) => i % stride === 0 || i === values.length - 1);
}

/** The records of one run the charts need, thinned to at most MAX_POINTS steps. */
function chartRun(run: ReportRun, color: string): ChartRun {
  const steps = thin(run.history.steps);
  const clipping = run.summary.clipping;
  return {
    label: run.summary.label,
    color,
    eta: learningRateOf(run.summary.optimizer),
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
    analysisStep: run.history.analysis.map((a) => a.step),
    mu: run.history.analysis.map((a) => (a.mu as number | null) ?? null),
    impliedMu: run.history.analysis.map(
      (a) => ((a.kernel as { impliedMu?: number } | null)?.impliedMu as number | undefined) ?? null,
    ),
  };
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

function keySample(key: LegendKey): string {
  const dash = key.dash ? ` stroke-dasharray="${key.dash.join(' ')}"` : '';
  return `<span class="key"><svg width="30" height="10" aria-hidden="true"><line x1="0" y1="5" x2="30" y2="5" stroke="${escapeHtml(key.color)}" stroke-width="2"${dash}/></svg>${escapeHtml(key.label)}</span>`;
}

/** A chart's frame: title, legend keys, the plot (drawn by the page script) and its text. */
function figure(chart: ChartSpec): string {
  const keys = chart.keys?.length
    ? `<p class="keys">${chart.keys.map(keySample).join('')}</p>`
    : '';
  return `<figure class="chart">
<figcaption>${escapeHtml(chart.title)}</figcaption>${keys}
<div class="plot" id="${chart.id}" role="img" aria-label="${escapeHtml(chart.title)}" aria-describedby="${chart.id}-alt"></div>
<details class="alt"><summary>In words</summary><ul id="${chart.id}-alt">${chart.alt.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul></details>
</figure>`;
}

/** A settings value for people: arrays as lists, objects as `key: value` pairs. */
function settingText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(settingText).join(', ');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${settingText(v)}`)
      .join('; ');
  }
  return String(value);
}

// Draws every chart of CHARTS with uPlot into its frame, as wide as the frame. Plain ES2017.
const PAGE_SCRIPT = `
const plots = [];
function draw(c) {
  const el = document.getElementById(c.id);
  const size = () => ({ width: Math.max(240, el.clientWidth), height: 280 });
  const yScale = { distr: c.yLog === false ? 1 : 3 };
  if (c.yRange) yScale.range = c.yRange;
  const x = { label: c.xLabel };
  if (c.ticks) x.values = (u, vals) => vals.map((v) => (Number.isInteger(v) && c.ticks[v] !== undefined ? c.ticks[v] : ''));
  const series = c.series.map((s) => s.points
    ? { label: s.label, stroke: s.color, width: 0, paths: () => null, points: { show: true, size: 4, fill: s.color, stroke: s.color } }
    : { label: s.label, stroke: s.color, width: s.width || 1.5, dash: s.dash, spanGaps: true, points: { show: false } });
  plots.push([el, new uPlot(Object.assign(size(), {
    scales: { x: { time: false, distr: c.xLog ? 3 : 1 }, y: yScale },
    axes: [x, { label: c.yLabel, size: 64 }],
    series: [{ label: c.xLabel }].concat(series),
  }), [c.xs].concat(c.series.map((s) => s.values)), el), size]);
}
CHARTS.forEach(draw);
let pending = 0;
window.addEventListener('resize', () => {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(() => plots.forEach(([el, u]) => u.setSize({ width: Math.max(240, el.clientWidth), height: 280 })));
});
`;

const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; padding: 16px; color: #1f2328; max-width: 1120px; }
h1 { font-size: 1.5rem; margin: 0.2em 0; } h2 { font-size: 1.2rem; margin-top: 1.6em; } h3 { font-size: 1rem; margin: 0 0 0.4em; }
p, li, td, th, figcaption { overflow-wrap: anywhere; }
.headline { font-size: 1.1rem; padding: 10px 14px; background: #f6f8fa; border-left: 5px solid #57606a; }
.headline.clear { border-left-color: #1a7f37; }
.task { margin: 0.3em 0; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { text-align: left; padding: 4px 10px 4px 0; vertical-align: top; border-bottom: 1px solid #d0d7de; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
#results th[scope=row], #seeds th[scope=row] { min-width: 12em; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em; border-radius: 2px; vertical-align: -0.05em; }
.verdict { display: inline-block; border: 1.5px solid; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; }
.certificates { display: grid; gap: 12px; align-items: start; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr)); }
.certificate { border: 1px solid #d0d7de; border-left: 5px solid; padding: 10px 14px; border-radius: 4px; min-width: 0; }
.certificate .constants th { white-space: nowrap; }
.certificate .constants td:last-child { white-space: normal; min-width: 14em; }
.certificate .sentence { font-weight: 600; }
.chart { margin: 22px 0; min-width: 0; } .chart figcaption { font-weight: 600; }
.plot { width: 100%; overflow: hidden; }
.keys { margin: 2px 0; font-size: 13px; } .key { display: inline-flex; align-items: center; gap: 4px; margin-right: 14px; }
.u-legend { font-size: 12px; } .u-legend .u-series th, .u-legend .u-series td { padding: 0 4px; white-space: normal; border: 0; }
@media (max-width: 600px) {
  body { padding: 12px; font-size: 14px; } .headline { font-size: 1rem; }
  /* A phone has no hover: one legend entry per line, without the live values. */
  .u-legend.u-inline tr.u-series { display: flex; text-align: left; }
  .u-legend.u-inline tr.u-series:first-child, .u-legend .u-value { display: none; }
  .u-legend th { display: flex; align-items: center; font-weight: normal; }
}
.alt { font-size: 13px; } .insights li.sub { list-style: circle; margin-left: 1.5em; }
`;

/** A self-contained HTML report (uPlot inlined): viewable offline, no network. */
export function renderHtmlReport(input: ReportInput): string {
  const { js, css } = uplotAssets();
  const colors = runColors(input.runs.map((r) => r.summary.optimizer.className));
  const byOptimizer = new Map(
    input.runs.map((r, i) => [JSON.stringify(r.summary.optimizer), colors[i]!]),
  );
  // Aggregates are in the drawn runs' order (one per optimizer), labelled without the seed.
  const byLabel = new Map([
    ...input.runs.map((r, i) => [r.summary.label, colors[i]!] as const),
    ...(input.aggregates ?? []).map((g, i) => [g.label, colors[i] ?? '#666666'] as const),
  ]);
  const colorOf = (s: Pick<RunSummary, 'optimizer'>) =>
    byOptimizer.get(JSON.stringify(s.optimizer)) ?? runColors([s.optimizer.className])[0]!;
  const charts = runCharts(input.runs.map((r, i) => chartRun(r, colors[i]!)));
  const extraCharts = input.extra?.charts ?? [];
  const results = input.results ?? input.runs.map((r) => r.summary);
  const seeds = input.aggregates && (input.aggregates[0]?.seeds.length ?? 0) > 1;
  const task = input.task ?? input.settings;
  const taskLine = [
    task.dataset !== undefined ? `<b>Data:</b> ${escapeHtml(describeDataset(task.dataset))}` : '',
    task.model !== undefined ? `<b>Model:</b> ${escapeHtml(describeModel(task.model))}` : '',
    task.loss !== undefined ? `<b>Loss:</b> ${escapeHtml(describeLoss(task.loss))}` : '',
  ]
    .filter((s) => s !== '')
    .join('; ');
  const cards = input.runs
    .filter((r) => r.summary.certificate !== null)
    .map((r) =>
      certificateCard({
        label: r.summary.label,
        color: colorOf(r.summary),
        certificate: r.summary.certificate!,
        eta: learningRateOf(r.summary.optimizer),
        clipping: r.summary.clipping,
      }),
    );
  const everySeed = (input.certificates ?? []).filter((c) => c.certificate !== null);
  const seedCertificates =
    everySeed.length > cards.length
      ? `<div class="table-wrap"><table id="every-certificate"><caption>Every run's certificate</caption><thead><tr><th scope="col">run</th><th scope="col">level</th><th scope="col">what it says</th></tr></thead><tbody>${everySeed
          .map(
            ({ label, certificate: c }) =>
              `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(c!.verdict)}</td><td>${escapeHtml(c!.covered ? c!.sentence : c!.explanation)}</td></tr>`,
          )
          .join('')}</tbody></table></div>`
      : '';
  const settings = Object.entries(input.settings)
    .map(([k, v]) => {
      const text =
        k === 'model' ? describeModel(v) : k === 'loss' ? describeLoss(v) : settingText(v);
      return `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(text)}</td></tr>`;
    })
    .join('');
  const insights = input.insights.map(
    (line) => `<li${/^\s/.test(line) ? ' class="sub"' : ''}>${escapeHtml(line.trim())}</li>`,
  );
  const winnerColor = input.headline.winner === null ? null : byLabel.get(input.headline.winner);
  const data = JSON.stringify([...charts, ...extraCharts]).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${css}${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.subtitle)}</p>
<p class="headline${input.headline.winner !== null ? ' clear' : ''}" id="headline">${winnerColor ? swatch(winnerColor) : ''}${escapeHtml(input.headline.text)}</p>
${taskLine ? `<p class="task" id="task">${taskLine}</p>` : ''}
</header>
<main>
<h2>Results</h2>
${resultsTableHtml(results, colorOf)}
${seeds ? seedsTableHtml(input.aggregates!, (label) => byLabel.get(label) ?? '#666666') : ''}
${cards.length ? `<h2>Convergence certificates</h2>\n<div class="certificates" id="certificates">${cards.join('\n')}</div>${seedCertificates}` : ''}
${insights.length ? `<h2>Why it converges (or not)</h2><ul class="insights">${insights.join('')}</ul>` : ''}
<h2>Charts</h2>
${charts.map(figure).join('\n')}
${extraCharts.length ? `<h2>${escapeHtml(input.extra!.title)}</h2>\n${extraCharts.map(figure).join('\n')}` : ''}
<h2>Settings</h2>
<div class="table-wrap"><table id="settings"><tbody>${settings}</tbody></table></div>
</main>
<footer><p>Made by deltaclip. Charts by uPlot (MIT). Colours: Okabe–Ito, from @deltaclip/utils' palette (the playground uses the same).</p></footer>
<script>${js}</script>
<script>const CHARTS = ${data};
${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
