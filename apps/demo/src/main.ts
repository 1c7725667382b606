/**
 * The page: settings form and URL state, the training worker, and the live views. All training
 * happens in the worker; this thread only draws, so the page never freezes.
 */
import './styles.css';
import { REGIMES } from '@deltaclip/core';
import { PRESETS, presetHash, presetOf } from './state/presets.js';
import {
  type BackendSetting,
  DEFAULT_SETTINGS,
  FEATURE_LABELS,
  OPTIMIZER_LABELS,
  type OptimizerId,
  type Settings,
} from './state/settings.js';
import {
  decodeSettings,
  encodeSettings,
  isSettingsHash,
  type SettingProblem,
  sameSettings,
} from './state/url-state.js';
import { DIAGRAM_MAX_UNITS, type NetworkWeights } from './training/network.js';
import { Charts, OPTIMIZER_COLORS } from './ui/charts.js';
import { csvColumnChoices } from './ui/csv-drop.js';
import { byId, h } from './ui/dom.js';
import { explainAnalysis, fmt } from './ui/explain.js';
import { download, runLogDocument, toJson, weightsDocument } from './ui/export.js';
import { SettingsForm } from './ui/form.js';
import { DEFAULT_VIEW, drawHeatmap, type HeatmapView } from './ui/heatmap.js';
import { diagramLayout, drawDiagram } from './ui/network-diagram.js';
import { legendItems } from './ui/output-legend.js';
import { RunStore } from './ui/run-store.js';
import { canGate, FrameGate } from './worker/frame-gate.js';
import type {
  CsvUpload,
  CsvVerdict,
  FromWorker,
  StartWorker,
  ToWorker,
} from './worker/protocol.js';

/** Views are redrawn at most this often. */
const RENDER_MS = 200;
/**
 * The charts at most this often: redrawing six canvases is most of the page's work, and twice a
 * second reads as live while leaving the main thread idle most of the time.
 */
const CHART_MS = 500;
/**
 * Charts drawn per animation frame while playing: each redrawn canvas adds its rasterization to
 * the frame's commit, so one per frame keeps every frame short.
 */
const CHARTS_PER_FRAME = 1;

/**
 * Which live canvases are on screen: while playing, a chart or heatmap scrolled out of view is not
 * redrawn (its latest data waits) until it comes back; paused, everything is drawn.
 */
const onScreen = new Set<Element>();
const visibility = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (e.isIntersecting) onScreen.add(e.target);
    else onScreen.delete(e.target);
  }
  renderSoon();
});
const isShown = (el: Element) => !store.running || onScreen.has(el);

const store = new RunStore();
let settings: Settings = DEFAULT_SETTINGS;
/** The uploaded file in use (links cannot carry it), with its columns. */
let csv: { upload: CsvUpload; columns: readonly string[] } | null = null;
/** A file that parsed but could not be used as it is: dropping columns may fix it. */
let pendingCsv: { upload: CsvUpload; columns: readonly string[] } | null = null;
let uploads = 0;
let worker: Worker | null = null;
let workerBackend: BackendSetting | null = null;
let runId = 0;
let wantPlay = false;
let charts: Charts | null = null;
let chartTexts: HTMLElement[] = [];
let chartTables: { details: HTMLDetailsElement; body: HTMLElement; drawnStep: number }[] = [];
let heatmapCanvases: Partial<Record<OptimizerId, HTMLCanvasElement>> = {};
let heatmapView: HeatmapView = DEFAULT_VIEW;
let legends: HTMLElement[] = [];
let statCells: Partial<Record<OptimizerId, HTMLElement>> = {};
let csvRequest = 0;
const csvPending = new Map<number, (verdict: CsvVerdict) => void>();

const form = new SettingsForm(
  () => void onFormChange(),
  (dropped) => void onDropChange(dropped),
);
byId('controls').prepend(form.element);
const playButton = byId<HTMLButtonElement>('play');
const status = byId('status');
const progressText = byId('progress');
const settingsIssues = byId('settings-issues');
const csvError = byId('csv-error');
const csvProgress = byId('csv-progress');
const runError = byId('run-error');
const shareUrl = byId<HTMLInputElement>('share-url');

function post(message: ToWorker | StartWorker): void {
  worker?.postMessage(message);
}

function startWorker(backend: BackendSetting): void {
  worker?.terminate();
  worker = new Worker(new URL('./worker/training-worker.ts', import.meta.url), {
    type: 'module',
    name: 'deltaclip-training',
  });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onWorkerMessage(event.data);
  worker.onerror = (event) =>
    showRunError(`The training worker failed: ${event.message || 'unknown error'}`);
  workerBackend = backend;
  store.backend = null;
  post({ type: 'backend', backend, gate: frameGate?.buffer ?? null });
  post({ type: 'thumbnails' });
}

/**
 * The worker waits between steps while the page draws a frame, where memory can be shared. A
 * page loaded with `__deltaclipNoFrameGate` set (the benchmark, to measure what it costs) has none.
 */
const frameGate =
  canGate() && !(globalThis as { __deltaclipNoFrameGate?: boolean }).__deltaclipNoFrameGate
    ? new FrameGate()
    : null;
const frameEnd = new MessageChannel();
frameEnd.port1.onmessage = () => frameGate?.end();

/**
 * requestAnimationFrame, with the worker held for the frame: the gate closes when the callback
 * starts and opens in the first task after the frame (a message posted from the callback runs
 * after the frame's style, layout, paint and commit).
 */
function requestFrame(callback: () => void): void {
  requestAnimationFrame(() => {
    frameGate?.begin();
    frameEnd.port2.postMessage(null);
    callback();
  });
}

/** Start a new run of the current settings (Reset, or any change of settings). */
function startRun(): void {
  if (workerBackend !== settings.backend) startWorker(settings.backend);
  runId++;
  store.reset(runId, settings.optimizers);
  runError.textContent = '';
  buildOutputs();
  post({
    type: 'init',
    runId,
    settings,
    ...(settings.dataset === 'csv' && csv !== null ? { csv: csv.upload } : {}),
  });
  renderSoon();
}

function setUrl(): void {
  const hash = `#${encodeSettings(settings)}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  shareUrl.value = location.href;
}

/**
 * Show `next` and start a run if it differs. Each problem goes next to its field; a link's problems
 * are also listed at the top of the page, where the visitor who opened the link is looking.
 */
function applySettings(
  next: Settings,
  problems: readonly SettingProblem[] = [],
  source: 'link' | 'form' = 'form',
): void {
  const changed = !sameSettings(next, settings) || !store.ready;
  settings = next;
  form.show(settings, csvTargets());
  const rest = form.showProblems(problems);
  settingsIssues.textContent = (source === 'link' ? problems : rest)
    .map((p) => p.message)
    .join(' ');
  setUrl();
  showPreset();
  if (changed) startRun();
}

/** Settings from a link; a CSV link without its file falls back to the default data set. */
function settingsFromHash(hash: string): { settings: Settings; problems: SettingProblem[] } {
  const decoded = decodeSettings(hash, DEFAULT_SETTINGS);
  const problems = [...decoded.problems];
  let next = decoded.settings;
  if (next.dataset === 'csv' && csv === null) {
    problems.push({
      key: 'data',
      message:
        'This link trains on an uploaded CSV file, which links cannot carry: upload the file again (the default data set is shown meanwhile).',
    });
    next = { ...next, dataset: DEFAULT_SETTINGS.dataset };
  }
  return { settings: next, problems };
}

/** The preset links (each its URL state), the current one marked, and its two sentences. */
const presetNav = byId('presets');
const presetText = byId('preset-text');
presetNav.replaceChildren(
  ...PRESETS.map((p) =>
    h('a', { href: presetHash(p), id: `preset-${p.id}`, class: 'preset' }, p.title),
  ),
);
function showPreset(): void {
  const current = presetOf(settings);
  for (const p of PRESETS) {
    const link = byId(`preset-${p.id}`);
    if (p === current) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
  presetText.textContent = current === null ? '' : current.text;
}

function checkCsv(upload: CsvUpload, target: string, s: Settings): Promise<CsvVerdict> {
  const requestId = ++csvRequest;
  return new Promise((resolve) => {
    csvPending.set(requestId, resolve);
    post({ type: 'check-csv', requestId, csv: upload, target, test: s.testFraction, seed: s.seed });
  });
}

/** The Target column's options: the upload's columns not dropped (null: no upload in use). */
function csvTargets(): readonly string[] | null {
  return csv === null ? null : csvColumnChoices(csv.columns, csv.upload.drop).targets;
}

async function onFormChange(): Promise<void> {
  const decoded = decodeSettings(form.read().toString(), settings, { source: 'form' });
  let next = decoded.settings;
  if (next.dataset === 'csv' && csv !== null) {
    const verdict = await checkCsv(csv.upload, next.csvTarget, next);
    if (!verdict.ok) {
      csvError.textContent = verdict.message;
      form.show(settings, csvTargets()); // the previous state is kept
      return;
    }
    csvError.textContent = '';
    // The new target leaves the droppable columns; the old one joins them.
    form.csvDrop.show(csv.columns, csv.upload.drop, verdict.target);
    if (next.csvTarget === verdict.target && verdict.target === csvTargets()?.at(-1)) {
      next = { ...next, csvTarget: '' };
    }
  }
  applySettings(next, decoded.problems, 'form');
}

/** Use a checked upload: the race switches to it (or restarts on it with other columns). */
function useCsv(upload: CsvUpload, verdict: Extract<CsvVerdict, { ok: true }>): void {
  csvError.textContent = '';
  pendingCsv = null;
  const same = settings.dataset === 'csv' && csv !== null;
  csv = { upload, columns: verdict.columns };
  form.csvDrop.show(verdict.columns, upload.drop, verdict.target);
  const next: Settings = {
    ...settings,
    dataset: 'csv',
    // A chosen target survives ticking a column to drop; the last column kept is the default ('').
    csvTarget: verdict.target === csvTargets()?.at(-1) ? '' : verdict.target,
    loss: verdict.task === 'regression' ? 'square' : settings.loss,
  };
  // Dropped columns are not URL state, so an unchanged link must still start a new race.
  if (same && sameSettings(next, settings)) {
    form.show(settings, csvTargets());
    startRun();
  } else {
    applySettings(next);
  }
}

async function onCsvChosen(): Promise<void> {
  const file = form.csvInput.files?.[0];
  if (!file) return;
  // The File goes to the worker as it is: reading and parsing there keeps the page responsive.
  const upload: CsvUpload = { id: ++uploads, file: file.name, blob: file, drop: [] };
  const verdict = await checkCsv(upload, '', settings);
  form.csvInput.value = '';
  if (!verdict.ok) {
    csvError.textContent = verdict.message;
    csvProgress.textContent = '';
    pendingCsv = verdict.columns === null ? null : { upload, columns: verdict.columns };
    if (pendingCsv) form.csvDrop.show(pendingCsv.columns, [], '');
    else if (csv === null) form.csvDrop.hide();
    return;
  }
  useCsv(upload, verdict);
}

/** Columns ticked or unticked under "Drop columns": check the file again without them. */
async function onDropChange(dropped: string[]): Promise<void> {
  const current = pendingCsv ?? csv;
  if (current === null) return;
  const upload: CsvUpload = { ...current.upload, drop: dropped };
  const verdict = await checkCsv(upload, pendingCsv ? '' : settings.csvTarget, settings);
  if (!verdict.ok) {
    csvError.textContent = verdict.message;
    // A file not yet in use keeps its ticks for the next try; the race's file shows what it runs on.
    if (pendingCsv) pendingCsv = { ...pendingCsv, upload };
    else form.csvDrop.show(current.columns, current.upload.drop, settings.csvTarget);
    return;
  }
  useCsv(upload, verdict);
}

function onWorkerMessage(message: FromWorker): void {
  switch (message.type) {
    case 'backend':
      store.backend = message.backend;
      renderSoon();
      return;
    case 'csv-check': {
      const resolve = csvPending.get(message.requestId);
      csvPending.delete(message.requestId);
      resolve?.(message.verdict);
      return;
    }
    case 'csv-progress':
      csvProgress.textContent = message.progress.text;
      return;
    case 'thumbnails':
      form.showThumbnails(message.thumbnails, settings.dataset);
      return;
    case 'error':
      if (message.runId === -1 || message.runId === runId) showRunError(message.message);
      return;
    default:
      break;
  }
  if (message.runId !== runId) return; // from a run that was reset
  switch (message.type) {
    case 'ready':
      takeNetwork(message.progress.network);
      store.summary = message.summary;
      store.ready = true;
      store.apply(message.progress);
      buildOutputs();
      if (wantPlay) post({ type: 'play', runId });
      break;
    case 'progress':
      takeNetwork(message.progress.network);
      store.apply(message.progress);
      break;
    case 'weights':
      download(
        `deltaclip-weights-step${message.step}.json`,
        toJson(
          weightsDocument(
            { settings, url: location.href, backend: store.backend, step: message.step },
            message.weights,
          ),
        ),
      );
      break;
    case 'history':
      download(
        `deltaclip-run-step${message.step}.json`,
        toJson(
          runLogDocument(
            { settings, url: location.href, backend: store.backend, step: message.step },
            store.summary,
            message.history,
            message.analyses,
          ),
        ),
      );
      break;
  }
  renderSoon();
}

/** The diagram's latest weights (the worker sends them at most twice a second). */
let network: NetworkWeights | null = null;
let networkDrawn = true;
function takeNetwork(next: NetworkWeights | null): void {
  if (next === null) return;
  network = next;
  networkDrawn = false;
}

function drawNetwork(): void {
  const s = store.summary;
  if (networkDrawn || network === null || s === null) return;
  networkDrawn = true;
  const svg = byId('network-svg') as unknown as SVGGElement;
  const outputs = s.task === 'classification' ? s.classes : s.outputSize === 1 ? ['y'] : [];
  drawDiagram(svg, diagramLayout(network, s.featureNames.map(featureLabel), outputs, 360, 240));
  byId('network-caption').textContent =
    `Weights of ${OPTIMIZER_LABELS[network.optimizer]} at step ${network.step.toLocaleString('en')}: ` +
    `${[s.inputSize, ...settings.hidden, s.outputSize].join('–')} units, at most ${DIAGRAM_MAX_UNITS} drawn per layer; ` +
    'edge colour: the sign (same colours as the low and high ends of the heatmap scale), width: |w|.';
}

function featureLabel(name: string): string {
  return (FEATURE_LABELS as Record<string, string>)[name] ?? name;
}

function showRunError(message: string): void {
  store.error = message;
  runError.textContent = message;
  wantPlay = false;
  renderSoon();
}

/** (Re)build the per-run views: charts and one card per optimizer. */
function buildOutputs(): void {
  charts?.destroy();
  // New canvases and panels are blank: whatever the store holds must be drawn into them.
  drawnHeatmaps = {};
  visibility.disconnect();
  onScreen.clear();
  drawnAnalyses = -1;
  networkDrawn = false;
  lastDescribed = Number.NEGATIVE_INFINITY;
  lastCharted = Number.NEGATIVE_INFINITY;
  const cards = byId('cards');
  cards.replaceChildren();
  heatmapCanvases = {};
  legends = [];
  statCells = {};
  const cardHosts: Partial<Record<OptimizerId, { stepSize: HTMLElement; gradNorm: HTMLElement }>> =
    {};
  const summary = store.summary;
  byId('heatmap-view').hidden = !summary?.plane;
  for (const id of settings.optimizers) {
    const stats = h('p', { class: 'stats' });
    statCells[id] = stats;
    let heatmap: HTMLElement | null = null;
    if (summary?.plane) {
      const canvas = h('canvas', {
        width: '480',
        height: '480',
        class: 'heatmap',
        id: `heatmap-${id}`,
        role: 'img',
        'aria-label': `${OPTIMIZER_LABELS[id]}: ${summary.task === 'classification' ? 'decision regions' : 'learnt surface'} over the input plane, with the training points (filled) and test points (rings)`,
      });
      heatmapCanvases[id] = canvas;
      heatmap = h(
        'figure',
        { class: 'heatmap-figure' },
        canvas,
        h(
          'figcaption',
          {},
          summary.task === 'classification'
            ? 'Decision regions (colour: predicted class, strength: confidence)'
            : `Learnt surface${summary.formula ? ` (target ${summary.formula})` : ''}`,
          outputLegend(summary),
        ),
      );
    }
    const stepSize = h('div');
    const gradNorm = h('div');
    cardHosts[id] = { stepSize, gradNorm };
    cards.append(
      h(
        'article',
        {
          class: 'card',
          id: `card-${id}`,
          'aria-labelledby': `card-${id}-title`,
          style: `--accent: ${OPTIMIZER_COLORS[id]}`,
        },
        h(
          'h2',
          { id: `card-${id}-title` },
          OPTIMIZER_LABELS[id],
          h('span', { class: 'params' }, paramText(id)),
        ),
        stats,
        heatmap,
        h('figure', { class: 'chart' }, stepSize),
        h('figure', { class: 'chart' }, gradNorm),
      ),
    );
  }
  charts = new Charts(
    { loss: byId('chart-loss'), mu: byId('chart-mu') },
    cardHosts,
    settings,
    (summary?.testSize ?? 1) > 0,
  );
  addChartTexts(charts);
  for (const el of [...charts.hosts(), ...Object.values(heatmapCanvases)]) visibility.observe(el);
  renderSoon();
}

/** The output's colour key (see output-legend.ts), redrawn when the view toggles change. */
function outputLegend(summary: NonNullable<typeof store.summary>): HTMLElement {
  const el = h('span', { class: 'output-legend' });
  fillLegend(el, summary);
  legends.push(el);
  return el;
}

function fillLegend(el: HTMLElement, summary: NonNullable<typeof store.summary>): void {
  el.replaceChildren(
    ...legendItems(summary, heatmapView).map((item) => {
      if (item.kind === 'class') {
        return h(
          'span',
          { class: 'swatch-item' },
          h('span', { class: 'swatch', style: `background: ${item.color}` }),
          item.label,
        );
      }
      if (item.kind === 'scale') {
        return h(
          'span',
          { class: 'swatch-item' },
          item.low,
          h('span', { class: 'scale', style: `background: ${item.background}` }),
          item.high,
        );
      }
      return h('span', { class: 'legend-note' }, item.label);
    }),
  );
}

/** Show test data / Discretize output: how the heatmaps are drawn (not URL state). */
const showTestBox = byId<HTMLInputElement>('show-test');
const discretizeBox = byId<HTMLInputElement>('discretize');
function onViewChange(): void {
  heatmapView = { showTest: showTestBox.checked, discretize: discretizeBox.checked };
  const s = store.summary;
  if (s) for (const el of legends) fillLegend(el, s);
  drawnHeatmaps = {}; // redraw with the new view at the next frame (on screen, if playing)
  renderSoon();
}
showTestBox.addEventListener('change', onViewChange);
discretizeBox.addEventListener('change', onViewChange);

/** Under every chart: its text alternative (live) and a data table opened on demand. */
function addChartTexts(chartsNow: Charts): void {
  chartTexts = [];
  chartTables = [];
  chartsNow.hosts().forEach((host, index) => {
    const figure = host.parentElement!;
    for (const old of figure.querySelectorAll('.chart-text, .chart-data')) old.remove();
    const text = h('figcaption', { class: 'chart-text', id: `chart-text-${index}` });
    host.setAttribute('role', 'img');
    host.setAttribute('aria-describedby', text.id);
    const body = h('div', { class: 'table-wrap' });
    const details = h('details', { class: 'chart-data' }, h('summary', {}, 'Data table'), body);
    details.addEventListener('toggle', () => {
      if (details.open) fillTable(index);
    });
    figure.append(text, details);
    chartTexts.push(text);
    chartTables.push({ details, body, drawnStep: -1 });
  });
}

function fillTable(index: number): void {
  const entry = chartTables[index];
  if (!charts || !entry) return;
  entry.drawnStep = store.step;
  const { head, rows } = charts.table(store, index);
  const shown = rows.slice(-200);
  entry.body.replaceChildren(
    h(
      'table',
      {},
      h(
        'caption',
        {},
        rows.length > shown.length
          ? `The latest ${shown.length} of ${rows.length} rows`
          : `${rows.length} rows`,
      ),
      h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...shown.map((r) => h('tr', {}, ...r.map((v) => h('td', {}, fmt(v)))))),
    ),
  );
}

function paramText(id: OptimizerId): string {
  const p = settings.params[id];
  if (id === 'gclip') return ` η = ${p.eta}, γ = ${p.gamma}`;
  if (id === 'dgclip') return ` η = ${p.eta}, γ = ${p.gamma}, δ = ${p.delta}`;
  return ` η = ${p.eta}`;
}

/** Per optimizer, the store's heatmapCount its canvas shows (absent: not drawn yet). */
let drawnHeatmaps: Partial<Record<OptimizerId, number>> = {};
let drawnAnalyses = -1;
let lastDescribed = Number.NEGATIVE_INFINITY;
let lastCharted = Number.NEGATIVE_INFINITY;
/** The charts' text alternatives are refreshed at most this often. */
const DESCRIBE_MS = 1000;
let renderPending = false;
let lastRender = 0;
function renderSoon(): void {
  if (renderPending) return;
  renderPending = true;
  const wait = Math.max(0, RENDER_MS - (performance.now() - lastRender));
  setTimeout(() => requestFrame(render), wait);
}

/** The charts on screen still waiting to draw: one per animation frame until none is left. */
let chartFrame = false;
function drawChartsSoon(): void {
  if (chartFrame || !charts?.hasPending(isShown)) return;
  chartFrame = true;
  requestFrame(() => {
    chartFrame = false;
    charts?.drawPending(CHARTS_PER_FRAME, isShown);
    drawChartsSoon();
  });
}

function render(): void {
  renderPending = false;
  lastRender = performance.now();
  // The label says what the button does next (so no aria-pressed, whose label must stay fixed).
  playButton.textContent = wantPlay ? 'Pause' : 'Play';
  const b = store.backend;
  const backendText =
    b === null
      ? 'starting the backend…'
      : `${b.name} (${b.variant}, ${b.gpu ? 'GPU' : `${b.threads} thread${b.threads === 1 ? '' : 's'}`})${b.fallback ? ` — ${b.fallback}` : ''}`;
  const rate =
    store.stepsPerSecond === null ? '' : ` · ${Math.round(store.stepsPerSecond)} steps/s`;
  // The step counter changes many times a second: it sits outside the live region, which only
  // announces changes of state (running, paused, backend).
  progressText.textContent = store.ready ? `Step ${store.step.toLocaleString('en')}${rate} ·` : '';
  const state = store.ready
    ? `${store.running ? 'running' : 'paused'} · ${backendText}`
    : `Preparing the race… · ${backendText}`;
  if (status.textContent !== state) status.textContent = state;
  const s = store.summary;
  byId('run-summary').textContent = s
    ? `${s.description} ${s.trainSize} training and ${s.testSize} test samples; ${s.inputSize} input${s.inputSize === 1 ? '' : 's'}, ${s.task === 'classification' ? `${s.outputSize} classes` : 'regression'}; MLP ${[s.inputSize, ...settings.hidden, s.outputSize].join('–')} (${s.parameterCount.toLocaleString('en')} parameters, same initial weights for every optimizer); ${s.loss} loss, batches of ${s.batchSize}${s.batchSize === s.trainSize ? ' (full batch)' : ''}.`
    : '';
  if (charts && (!store.running || lastRender - lastCharted >= CHART_MS)) {
    lastCharted = lastRender;
    charts.update(store, store.running ? CHARTS_PER_FRAME : Number.POSITIVE_INFINITY, isShown);
  }
  drawChartsSoon();
  if (charts && (!store.running || lastRender - lastDescribed >= DESCRIBE_MS)) {
    // The text alternatives are read, not watched: once a second is enough.
    lastDescribed = lastRender;
    charts.describe(store).forEach((text, i) => {
      const el = chartTexts[i];
      if (el && el.textContent !== text) el.textContent = text;
    });
    chartTables.forEach((t, i) => {
      // An open table follows the run, but not at every frame: it is for reading.
      if (t.details.open && store.step - t.drawnStep >= 100) fillTable(i);
    });
  }
  for (const id of store.ids) {
    const cell = statCells[id];
    const e = store.latest(id);
    if (!cell || !e) continue;
    const t = store.regimeTally(id);
    const acc = e.testAccuracy ?? e.trainAccuracy;
    cell.textContent =
      `train loss ${fmt(e.trainLoss)}` +
      (e.testLoss === null ? '' : ` · test loss ${fmt(e.testLoss)}`) +
      (acc === null
        ? ''
        : ` · ${e.testAccuracy === null ? 'train' : 'test'} accuracy ${(100 * acc).toFixed(1)}%`) +
      ` · μ_t ${fmt(e.mu)} · ‖w − w₀‖ ${fmt(e.distance)}` +
      ` · steps unclipped ${t.unclipped}, clipped ${t.clipped}, floored ${t.floored}${t.skipped ? `, skipped ${t.skipped}` : ''}`;
  }
  if (s) {
    for (const id of store.ids) {
      const canvas = heatmapCanvases[id];
      if (!canvas || drawnHeatmaps[id] === store.heatmapCount || !isShown(canvas)) continue;
      drawnHeatmaps[id] = store.heatmapCount;
      drawHeatmap(canvas, s, store.heatmaps[id], heatmapView);
    }
  }
  drawNetwork();
  if (s && store.analysesCount !== drawnAnalyses) {
    drawnAnalyses = store.analysesCount;
    renderAnalyses();
  }
}

function renderAnalyses(): void {
  const body = byId('analysis-body');
  const s = store.summary;
  if (!s || store.analyses.length === 0) {
    body.replaceChildren(
      h(
        'p',
        {},
        settings.optimizers.some((id) => id === 'gclip' || id === 'dgclip')
          ? 'Appears after the first measurements.'
          : 'Race GClip or δ-GClip to see the certificate and the δ advisor.',
      ),
    );
    return;
  }
  body.replaceChildren(
    ...store.analyses.map((a) => {
      const x = explainAnalysis(a, s.batchSize, s.trainSize);
      return h(
        'article',
        { class: `verdict ${x.held ? 'held' : 'failed'}`, id: `analysis-${a.id}` },
        h('h3', {}, OPTIMIZER_LABELS[a.id]),
        h('p', { class: 'headline' }, x.headline),
        ...(x.level === null ? [] : [h('p', { class: 'level' }, x.level)]),
        h(
          'ul',
          { class: 'checks' },
          ...x.checks.map((c) =>
            h(
              'li',
              { class: c.held ? 'held' : 'failed' },
              h(
                'span',
                { class: 'mark', 'aria-label': c.held ? 'held' : 'failed' },
                c.held ? '✓' : '✗',
              ),
              ' ',
              h('strong', {}, c.title),
              h('br'),
              c.detail,
            ),
          ),
        ),
        h('p', { class: 'advice' }, h('strong', {}, 'δ advisor: '), x.advice),
        h('p', { class: 'basis' }, x.basis),
      );
    }),
  );
}

playButton.addEventListener('click', () => {
  wantPlay = !wantPlay;
  if (store.ready) post({ type: wantPlay ? 'play' : 'pause', runId });
  // The label answers at once; the worker stops before its next step.
  playButton.textContent = wantPlay ? 'Pause' : 'Play';
  renderSoon();
});
byId('step').addEventListener('click', () => {
  wantPlay = false;
  if (store.ready) post({ type: 'step', runId, count: 1 });
  renderSoon();
});
byId('reset').addEventListener('click', () => {
  wantPlay = false;
  startRun();
});
byId('share').addEventListener('click', async () => {
  shareUrl.value = location.href;
  try {
    await navigator.clipboard.writeText(location.href);
    status.textContent = 'Link copied: it reproduces this run (settings and seed).';
  } catch {
    shareUrl.select();
    status.textContent = 'Copy the selected link from the “Link to this run” field.';
  }
});
/** On a phone the race and the settings are two tabs of one sticky toolbar. */
function showView(view: 'race' | 'settings'): void {
  document.body.dataset.view = view;
  byId('tab-race').setAttribute('aria-selected', String(view === 'race'));
  byId('tab-settings').setAttribute('aria-selected', String(view === 'settings'));
  window.scrollTo({ top: 0 });
}
byId('tab-race').addEventListener('click', () => showView('race'));
byId('tab-settings').addEventListener('click', () => showView('settings'));
showView('race');
byId('export-weights').addEventListener('click', () => post({ type: 'weights', runId }));
byId('export-log').addEventListener('click', () => post({ type: 'history', runId }));
form.csvInput.addEventListener('change', () => void onCsvChosen());
window.addEventListener('hashchange', () => {
  // An in-page anchor (the skip link's #outputs) is not a new state: put the state back.
  if (!isSettingsHash(location.hash)) {
    setUrl();
    return;
  }
  const next = settingsFromHash(location.hash);
  if (!sameSettings(next.settings, settings)) {
    wantPlay = false;
    applySettings(next.settings, next.problems, 'link');
  }
});
// The skip link moves focus to the race without touching the hash (which holds the settings).
byId('skip').addEventListener('click', (event) => {
  event.preventDefault();
  const outputs = byId('outputs');
  outputs.focus();
  outputs.scrollIntoView();
});

/** For the end-to-end tests and the benchmark (read-only views of the page's state). */
(globalThis as { __deltaclip?: unknown }).__deltaclip = {
  snapshot: () => store.snapshot(location.href),
  chartsDrawn: () => charts?.drawn() ?? false,
  /** Whether the worker waits while the page draws (frame-gate.ts). */
  frameGate: frameGate !== null,
  settings: () => settings,
  /** The cheap view for long runs: no series copied. */
  progress: () => ({ step: store.step, running: store.running, ready: store.ready }),
  /** The regimes of the first `count` steps of one optimizer. */
  regimes: (id: OptimizerId, count: number) =>
    (store.telemetry[id]?.regime ?? []).slice(0, count).map((r) => REGIMES[r] ?? 'unknown'),
  /** The certificate level of one optimizer's latest analysis. */
  level: (id: OptimizerId) => store.analyses.find((a) => a.id === id)?.certificate.verdict ?? null,
  chartRanges: () => charts?.yRanges() ?? [],
  /** Whether the heatmaps show the latest outputs with the current view toggles. */
  heatmapsDrawn: () =>
    store.ids.every((id) => !heatmapCanvases[id] || drawnHeatmaps[id] === store.heatmapCount),
  chartPoints: () => charts?.pointCounts() ?? [],
};

const initial = settingsFromHash(isSettingsHash(location.hash) ? location.hash : '');
applySettings(initial.settings, initial.problems, 'link');

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  // Offline once loaded: the service worker caches every file of the build (see vite.config.ts).
  navigator.serviceWorker.register('./sw.js').catch(() => undefined);
}
