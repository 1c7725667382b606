/**
 * The live curves, drawn with uPlot: training and test loss (log scale), the PL* estimate mu_t,
 * and per optimizer the step size h_t coloured by regime (with the floor eta*delta) and the
 * gradient norm against gamma and gamma/delta. Colours are @deltaclip/utils' palette; every
 * series is decimated to the chart's pixel columns as the points arrive (thin.ts), so a redraw
 * costs the same after ten minutes as after ten seconds. The step-size charts share one y range, and so do the
 * gradient-norm charts, so that optimizers can be compared by eye.
 */
import {
  OPTIMIZER_COLORS as PALETTE,
  REFERENCE_LINE,
  REGIME_COLORS,
  TEST_CURVE_DASH,
} from '@deltaclip/utils';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { OPTIMIZER_LABELS, type OptimizerId, type Settings } from '../state/settings.js';
import { logRange, logTick } from './log-axis.js';
import type { RunStore, TelemetryColumns } from './run-store.js';
import { StreamingDecimator, thin } from './thin.js';

/** The palette's colour for each racing optimizer (the palette is keyed by the CLI's names). */
export const OPTIMIZER_COLORS: Readonly<Record<OptimizerId, string>> = {
  sgd: PALETTE.sgd,
  adam: PALETTE.adam,
  gclip: PALETTE.gclip,
  dgclip: PALETTE['delta-gclip'],
};

export { REGIME_COLORS };

const positive = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && v > 0 && Number.isFinite(v) ? v : null;

function baseOptions(title: string, yLabel: string): Omit<uPlot.Options, 'series' | 'width'> {
  return {
    title,
    height: 220,
    scales: { x: { time: false }, y: { distr: 3 } },
    axes: [
      { label: 'step' },
      { label: yLabel, size: 64, values: (_u, splits) => splits.map(logTick) },
    ],
    legend: { show: true },
    cursor: { drag: { x: true, y: false } },
  };
}

/** Width of a point of the step-size charts, in CSS pixels. */
const POINT_PX = 3;

/**
 * A series' points as filled squares on whole device pixels, in one path: a software canvas
 * (a browser without GPU raster) fills a few thousand of them several times faster than uPlot's
 * stroked and filled circles, and at 3 px the two look alike.
 */
const squarePoints: uPlot.Series.Points.PathBuilder = (u, seriesIdx, idx0, idx1) => {
  const xs = u.data[0];
  const ys = u.data[seriesIdx]!;
  const size = Math.max(1, Math.round(POINT_PX * uPlot.pxRatio));
  const half = size / 2;
  const fill = new Path2D();
  for (let i = idx0; i <= idx1; i++) {
    const y = ys[i];
    if (y === null || y === undefined) continue;
    const px = Math.round(u.valToPos(xs[i]!, 'x', true) - half);
    const py = Math.round(u.valToPos(y, 'y', true) - half);
    fill.rect(px, py, size, size);
  }
  const clip = new Path2D();
  const { left, top, width, height } = u.bbox;
  clip.rect(left - size, top - size, width + 2 * size, height + 2 * size);
  return { fill, stroke: null, clip };
};

function pointsOnly(label: string, color: string): uPlot.Series {
  return {
    label,
    stroke: color,
    fill: color,
    paths: () => null,
    points: {
      show: true,
      size: POINT_PX,
      width: 0,
      stroke: color,
      fill: color,
      paths: squarePoints,
    },
  };
}

function referenceLine(label: string, dash: readonly number[]): uPlot.Series {
  return {
    label,
    stroke: REFERENCE_LINE.color,
    width: 1.5,
    dash: [...dash],
    points: { show: false },
  };
}

interface Chart {
  readonly plot: uPlot;
  /** A one-paragraph text alternative of what the chart shows now. */
  readonly describe: (store: RunStore) => string;
  /** This chart's data now (also widening the shared ranges); `draw` shows it. */
  readonly data: (store: RunStore) => uPlot.AlignedData;
  /** Column names and rows of the chart's data (the data table), latest last. */
  readonly table: (store: RunStore) => { head: string[]; rows: (number | null)[][] };
}

/** Shared y range of comparable charts: widened by each chart's data, read by all. */
class SharedRange {
  lo = Number.POSITIVE_INFINITY;
  hi = Number.NEGATIVE_INFINITY;
  include(v: number | null | undefined): void {
    if (v === null || v === undefined || !(v > 0) || !Number.isFinite(v)) return;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }
  range(): [number, number] {
    return logRange(this.lo, this.hi);
  }
}

const fmt = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : String(Number(x.toPrecision(3)));

function telemetryOf(store: RunStore, id: OptimizerId): TelemetryColumns {
  return store.telemetry[id] ?? { step: [], gradNorm: [], stepSize: [], regime: [] };
}

/** The latest finite value of the last `window` values, and their finite range (null: none). */
function recentRange(values: readonly number[], window: number) {
  let latest: number | null = null;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = values.length - 1; i >= Math.max(0, values.length - window); i--) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    latest ??= v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return latest === null ? null : { latest, lo, hi, count: Math.min(values.length, window) };
}

/** A decimator for a chart's width, made anew when the width asks for another capacity. */
function decimatorFor(groups: number) {
  let decimator: StreamingDecimator | null = null;
  return (capacity: number) => {
    if (decimator?.capacity !== capacity) decimator = new StreamingDecimator(capacity, groups);
    return decimator;
  };
}

export class Charts {
  private charts: Chart[] = [];
  /** Charts whose latest data is not drawn yet, the longest waiting first (a Map keeps order). */
  private pending = new Map<Chart, uPlot.AlignedData>();
  private observer: ResizeObserver | null = null;
  private readonly stepSizes = new SharedRange();
  private readonly gradNorms = new SharedRange();

  /** Build the charts of a run into the shared panel and the per-optimizer cards. */
  constructor(
    shared: { loss: HTMLElement; mu: HTMLElement },
    cards: Partial<Record<OptimizerId, { stepSize: HTMLElement; gradNorm: HTMLElement }>>,
    settings: Settings,
    hasTest: boolean,
  ) {
    const ids = settings.optimizers;
    const lossSeries: uPlot.Series[] = [{ label: 'step' }];
    for (const id of ids) {
      lossSeries.push({
        label: `${OPTIMIZER_LABELS[id]} train`,
        stroke: OPTIMIZER_COLORS[id],
        width: 2,
      });
      if (hasTest) {
        lossSeries.push({
          label: `${OPTIMIZER_LABELS[id]} test (dashed)`,
          stroke: OPTIMIZER_COLORS[id],
          width: 1.5,
          dash: [...TEST_CURVE_DASH],
        });
      }
    }
    const evalRows = (store: RunStore, columns: number) => {
      const first = store.evals[ids[0]!] ?? [];
      return thin(first.length, columns);
    };
    this.add(
      shared.loss,
      { ...baseOptions('Loss (full batch, log scale)', 'loss'), series: lossSeries },
      {
        data: (store, columns) => {
          const keep = evalRows(store, columns);
          const first = store.evals[ids[0]!] ?? [];
          const data: (number | null)[][] = [keep.map((i) => first[i]!.step)];
          for (const id of ids) {
            const e = store.evals[id] ?? [];
            data.push(keep.map((i) => positive(e[i]?.trainLoss)));
            if (hasTest) data.push(keep.map((i) => positive(e[i]?.testLoss)));
          }
          return data;
        },
        describe: (store) =>
          `Full-batch loss against step, log scale${hasTest ? '; solid lines training loss, dashed lines test loss' : ''}. ` +
          ids
            .map((id) => {
              const e = store.evals[id] ?? [];
              const last = e.at(-1);
              return `${OPTIMIZER_LABELS[id]}: training loss ${fmt(e[0]?.trainLoss)} at step 0, ${fmt(last?.trainLoss)} at step ${last?.step ?? 0}${hasTest ? ` (test ${fmt(last?.testLoss)})` : ''}.`;
            })
            .join(' '),
        table: (store) => {
          const first = store.evals[ids[0]!] ?? [];
          const head = ['step'];
          for (const id of ids) {
            head.push(`${OPTIMIZER_LABELS[id]} train`);
            if (hasTest) head.push(`${OPTIMIZER_LABELS[id]} test`);
          }
          const rows = first.map((p, i) => {
            const row: (number | null)[] = [p.step];
            for (const id of ids) {
              const e = store.evals[id]?.[i];
              row.push(e?.trainLoss ?? null);
              if (hasTest) row.push(e?.testLoss ?? null);
            }
            return row;
          });
          return { head, rows };
        },
      },
    );
    const muSeen: Partial<
      Record<OptimizerId, { seen: number; latest: number | null; smallest: number | null }>
    > = {};
    for (const id of ids) muSeen[id] = { seen: 0, latest: null, smallest: null };
    this.add(
      shared.mu,
      {
        ...baseOptions('PL* estimate μ_t = ‖∇L‖² / 2L (full batch, log scale)', 'μ_t'),
        series: [
          { label: 'step' },
          ...ids.map((id) => ({
            label: OPTIMIZER_LABELS[id],
            stroke: OPTIMIZER_COLORS[id],
            width: 2,
          })),
        ],
      },
      {
        data: (store, columns) => {
          const keep = evalRows(store, columns);
          const first = store.evals[ids[0]!] ?? [];
          return [
            keep.map((i) => first[i]!.step),
            ...ids.map((id) => keep.map((i) => positive(store.evals[id]?.[i]?.mu))),
          ];
        },
        describe: (store) =>
          'PL* estimate μ_t against step, log scale. ' +
          ids
            .map((id) => {
              const m = muSeen[id]!;
              const evals = store.evals[id] ?? [];
              // The smallest so far, from the measurements not yet seen only.
              for (; m.seen < evals.length; m.seen++) {
                const mu = evals[m.seen]!.mu;
                if (mu === null) continue;
                m.latest = mu;
                if (m.smallest === null || mu < m.smallest) m.smallest = mu;
              }
              return `${OPTIMIZER_LABELS[id]}: latest ${fmt(m.latest)}, smallest ${fmt(m.smallest)}.`;
            })
            .join(' '),
        table: (store) => {
          const first = store.evals[ids[0]!] ?? [];
          return {
            head: ['step', ...ids.map((id) => `${OPTIMIZER_LABELS[id]} μ_t`)],
            rows: first.map((p, i) => [
              p.step,
              ...ids.map((id) => store.evals[id]?.[i]?.mu ?? null),
            ]),
          };
        },
      },
    );
    const clippers = ids.filter((id) => id === 'gclip' || id === 'dgclip');
    for (const id of ids) {
      const card = cards[id];
      if (!card) continue;
      const p = settings.params[id];
      const floor = id === 'dgclip' && p.delta > 0 ? p.eta * p.delta : null;
      // Comparable charts share a range: the clipping optimizers' step sizes lie in [eta*delta, eta].
      const stepRange = (clippers as OptimizerId[]).includes(id)
        ? this.stepSizes
        : new SharedRange();
      let stepsSeen = 0;
      const stepDecimator = decimatorFor(3);
      stepRange.include(p.eta);
      if (floor !== null) stepRange.include(floor);
      const stepSeries: uPlot.Series[] = [
        { label: 'step' },
        pointsOnly('unclipped', REGIME_COLORS.unclipped),
        pointsOnly('clipped', REGIME_COLORS.clipped),
        pointsOnly('floored', REGIME_COLORS.floored),
      ];
      if (floor !== null)
        stepSeries.push(referenceLine(`floor ηδ = ${fmt(floor)}`, REFERENCE_LINE.etaDelta));
      this.add(
        card.stepSize,
        {
          ...baseOptions(`${OPTIMIZER_LABELS[id]}: step size h_t by regime (log scale)`, 'h_t'),
          scales: { x: { time: false }, y: { distr: 3, range: () => stepRange.range() } },
          series: stepSeries,
        },
        {
          data: (store, columns) => {
            const t = telemetryOf(store, id);
            for (; stepsSeen < t.stepSize.length; stepsSeen++)
              stepRange.include(t.stepSize[stepsSeen]);
            // At most one bucket per 2 px (points are 3 px wide): never more points than that.
            const decimator = stepDecimator(2 * Math.ceil(columns / 4));
            decimator.update(t.stepSize, t.regime);
            const keep = decimator.indices();
            const pick = (regime: number) =>
              keep.map((i) => (t.regime[i] === regime ? positive(t.stepSize[i]) : null));
            const data: (number | null)[][] = [
              keep.map((i) => t.step[i]!),
              pick(0),
              pick(1),
              pick(2),
            ];
            if (floor !== null) data.push(keep.map(() => floor));
            return data;
          },
          describe: (store) => {
            const t = store.regimeTally(id);
            const total = t.unclipped + t.clipped + t.floored + t.skipped;
            const share = (k: number) =>
              total === 0 ? '0%' : `${((100 * k) / total).toFixed(1)}%`;
            return `${OPTIMIZER_LABELS[id]}: step size h_t of each step, log scale, coloured by regime${floor === null ? '' : `, with the floor ηδ = ${fmt(floor)} as a dashed line`}. Of ${total} steps: unclipped ${share(t.unclipped)}, clipped ${share(t.clipped)}, floored ${share(t.floored)}.`;
          },
          table: (store) => {
            const t = telemetryOf(store, id);
            const keep = thin(t.step.length, 200);
            return {
              head: ['step', 'h_t', 'regime (0 unclipped, 1 clipped, 2 floored, 3 skipped)'],
              rows: keep.map((i) => [t.step[i]!, t.stepSize[i]!, t.regime[i]!]),
            };
          },
        },
      );
      const clipping = id === 'gclip' || id === 'dgclip';
      const ceiling = id === 'dgclip' && p.delta > 0 ? p.gamma / p.delta : null;
      const normRange = clipping ? this.gradNorms : new SharedRange();
      let normsSeen = 0;
      const normDecimator = decimatorFor(1);
      const series: uPlot.Series[] = [
        { label: 'step' },
        { label: '‖g_t‖', stroke: OPTIMIZER_COLORS[id], width: 1 },
      ];
      if (clipping) {
        normRange.include(p.gamma);
        series.push(referenceLine(`γ = ${p.gamma}`, REFERENCE_LINE.gamma));
      }
      if (ceiling !== null) {
        normRange.include(ceiling);
        series.push(referenceLine(`γ/δ = ${fmt(ceiling)}`, REFERENCE_LINE.gammaOverDelta));
      }
      this.add(
        card.gradNorm,
        {
          ...baseOptions(`${OPTIMIZER_LABELS[id]}: mini-batch gradient norm (log scale)`, '‖g_t‖'),
          scales: { x: { time: false }, y: { distr: 3, range: () => normRange.range() } },
          series,
        },
        {
          data: (store, columns) => {
            const t = telemetryOf(store, id);
            for (; normsSeen < t.gradNorm.length; normsSeen++)
              normRange.include(t.gradNorm[normsSeen]);
            // At most one bucket per pixel column: each bucket draws its extremes.
            const decimator = normDecimator(2 * Math.ceil(columns / 2));
            decimator.update(t.gradNorm);
            const keep = decimator.indices();
            const data: (number | null)[][] = [
              keep.map((i) => t.step[i]!),
              keep.map((i) => positive(t.gradNorm[i])),
            ];
            if (clipping) data.push(keep.map(() => p.gamma));
            if (ceiling !== null) data.push(keep.map(() => ceiling));
            return data;
          },
          describe: (store) => {
            const r = recentRange(telemetryOf(store, id).gradNorm, 5000);
            return `${OPTIMIZER_LABELS[id]}: mini-batch gradient norm ‖g_t‖ of each step, log scale${clipping ? `, against γ = ${p.gamma}` : ''}${ceiling === null ? '' : ` and γ/δ = ${fmt(ceiling)} (dashed lines)`}. Latest ${fmt(r?.latest)}${r ? `, range ${fmt(r.lo)} to ${fmt(r.hi)} over the last ${r.count} steps` : ''}.`;
          },
          table: (store) => {
            const t = telemetryOf(store, id);
            const keep = thin(t.step.length, 200);
            return { head: ['step', '‖g_t‖'], rows: keep.map((i) => [t.step[i]!, t.gradNorm[i]!]) };
          },
        },
      );
    }
    this.observer = new ResizeObserver(() => this.resize());
    for (const c of this.charts) this.observer.observe(c.plot.root.parentElement!);
  }

  private add(
    host: HTMLElement,
    options: Omit<uPlot.Options, 'width'>,
    parts: {
      data: (store: RunStore, columns: number) => (number | null)[][];
      describe: Chart['describe'];
      table: Chart['table'];
    },
  ): void {
    const empty = options.series.map(() => [] as number[]) as unknown as uPlot.AlignedData;
    const plot = new uPlot(
      { ...options, width: host.clientWidth || 320 } as uPlot.Options,
      empty,
      host,
    );
    this.charts.push({
      plot,
      describe: parts.describe,
      table: parts.table,
      data: (store) => parts.data(store, Math.max(50, Math.round(plot.width))) as uPlot.AlignedData,
    });
  }

  /**
   * Take the store's data for every chart (all first, so that a shared range is complete before
   * any chart draws) and draw `now` of them at once; the rest wait for {@link drawPending}, so
   * that a page can draw one chart per frame.
   */
  update(
    store: RunStore,
    now = Number.POSITIVE_INFINITY,
    isShown?: (host: HTMLElement) => boolean,
  ): void {
    // A chart still waiting keeps its place in the queue with the newer data: none starves.
    for (const chart of this.charts) this.pending.set(chart, chart.data(store));
    this.drawPending(now, isShown);
  }

  /**
   * Draw up to `count` of the charts still waiting since the last update, those on screen only
   * (`isShown` of the chart's host; the others keep their latest data until they are shown).
   */
  drawPending(count: number, isShown: (host: HTMLElement) => boolean = () => true): void {
    let drawn = 0;
    for (const [chart, data] of this.pending) {
      if (drawn >= count) return;
      if (!isShown(chart.plot.root.parentElement!)) continue;
      this.pending.delete(chart);
      chart.plot.setData(data);
      drawn++;
    }
  }

  /** Whether some chart (on screen, by `isShown`) still waits to draw its latest data. */
  hasPending(isShown: (host: HTMLElement) => boolean = () => true): boolean {
    for (const chart of this.pending.keys())
      if (isShown(chart.plot.root.parentElement!)) return true;
    return false;
  }

  /** The text alternative of every chart, in the order they were built. */
  describe(store: RunStore): string[] {
    return this.charts.map((c) => c.describe(store));
  }

  /** The data table of chart `index`. */
  table(store: RunStore, index: number): { head: string[]; rows: (number | null)[][] } {
    return this.charts[index]!.table(store);
  }

  /** The plots' hosts, in order (for placing the text alternatives). */
  hosts(): HTMLElement[] {
    return this.charts.map((c) => c.plot.root.parentElement!);
  }

  /** The y range each chart shows now (the tests compare those of comparable charts). */
  yRanges(): [number, number][] {
    return this.charts.map((c) => [
      c.plot.scales.y!.min ?? Number.NaN,
      c.plot.scales.y!.max ?? Number.NaN,
    ]);
  }

  /** Points each chart drew in its last update (for the tests: bounded however long the run). */
  pointCounts(): number[] {
    return this.charts.map((c) => c.plot.data[0]?.length ?? 0);
  }

  /** Whether every chart has drawn data, and none waits to draw newer data (for the tests). */
  drawn(): boolean {
    return (
      this.pending.size === 0 &&
      this.charts.every((c) => c.plot.data[0] !== undefined && c.plot.data[0].length > 0)
    );
  }

  private resize(): void {
    for (const c of this.charts) {
      const width = c.plot.root.parentElement?.clientWidth ?? 0;
      if (width > 0 && Math.abs(width - c.plot.width) > 1)
        c.plot.setSize({ width, height: c.plot.height });
    }
  }

  destroy(): void {
    this.observer?.disconnect();
    for (const c of this.charts) c.plot.destroy();
    this.charts = [];
    this.pending.clear();
  }
}
