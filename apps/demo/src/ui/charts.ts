/**
 * The live curves, drawn with uPlot: training and test loss (log scale), the PL* estimate mu_t,
 * and per optimizer the step size h_t coloured by regime and the gradient norm against gamma and
 * gamma/delta.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { OPTIMIZER_LABELS, type OptimizerId, type Settings } from '../state/settings.js';
import type { RunStore } from './run-store.js';
import { MAX_POINTS, thin } from './thin.js';

export const OPTIMIZER_COLORS: Readonly<Record<OptimizerId, string>> = {
  sgd: '#666666',
  adam: '#CC79A7',
  gclip: '#0072B2',
  dgclip: '#E69F00',
};

/** Okabe–Ito colours for the three regimes. */
export const REGIME_COLORS = {
  unclipped: '#009E73',
  clipped: '#56B4E9',
  floored: '#D55E00',
} as const;

const positive = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && v > 0 && Number.isFinite(v) ? v : null;

function baseOptions(
  title: string,
  width: number,
  yLabel: string,
  log: boolean,
): Omit<uPlot.Options, 'series'> {
  return {
    title,
    width,
    height: 220,
    scales: { x: { time: false }, y: log ? { distr: 3 } : { auto: true } },
    axes: [{ label: 'step' }, { label: yLabel, size: 60 }],
    legend: { show: true },
    cursor: { drag: { x: true, y: false } },
  };
}

function pointsOnly(label: string, color: string): uPlot.Series {
  return {
    label,
    stroke: color,
    fill: color,
    paths: () => null,
    points: { show: true, size: 3, stroke: color, fill: color },
  };
}

interface Chart {
  readonly plot: uPlot;
  readonly update: (store: RunStore) => void;
}

function chartIn(
  host: HTMLElement,
  options: Omit<uPlot.Options, 'width'> & { width?: number },
  update: (store: RunStore) => uPlot.AlignedData,
): Chart {
  const empty = options.series.map(() => [] as number[]) as unknown as uPlot.AlignedData;
  const plot = new uPlot(
    { ...options, width: host.clientWidth || 320 } as uPlot.Options,
    empty,
    host,
  );
  return {
    plot,
    update: (store) => plot.setData(update(store)),
  };
}

export class Charts {
  private charts: Chart[] = [];
  private observer: ResizeObserver | null = null;

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
          label: `${OPTIMIZER_LABELS[id]} test`,
          stroke: OPTIMIZER_COLORS[id],
          width: 1.5,
          dash: [6, 4],
        });
      }
    }
    this.charts.push(
      chartIn(
        shared.loss,
        { ...baseOptions('Loss (full batch, log scale)', 0, 'loss', true), series: lossSeries },
        (store) => {
          const first = store.evals[ids[0]!] ?? [];
          const data: (number | null)[][] = [first.map((e) => e.step)];
          for (const id of ids) {
            const e = store.evals[id] ?? [];
            data.push(e.map((p) => positive(p.trainLoss)));
            if (hasTest) data.push(e.map((p) => positive(p.testLoss)));
          }
          return data as uPlot.AlignedData;
        },
      ),
    );
    this.charts.push(
      chartIn(
        shared.mu,
        {
          ...baseOptions('PL* estimate μ_t = ‖∇L‖² / 2L (full batch, log scale)', 0, 'μ_t', true),
          series: [
            { label: 'step' },
            ...ids.map((id) => ({
              label: OPTIMIZER_LABELS[id],
              stroke: OPTIMIZER_COLORS[id],
              width: 2,
            })),
          ],
        },
        (store) => {
          const first = store.evals[ids[0]!] ?? [];
          return [
            first.map((e) => e.step),
            ...ids.map((id) => (store.evals[id] ?? []).map((p) => positive(p.mu))),
          ] as uPlot.AlignedData;
        },
      ),
    );
    for (const id of ids) {
      const card = cards[id];
      if (!card) continue;
      const p = settings.params[id];
      this.charts.push(
        chartIn(
          card.stepSize,
          {
            ...baseOptions(
              `${OPTIMIZER_LABELS[id]}: step size h_t by regime (log scale)`,
              0,
              'h_t',
              true,
            ),
            series: [
              { label: 'step' },
              pointsOnly('unclipped', REGIME_COLORS.unclipped),
              pointsOnly('clipped', REGIME_COLORS.clipped),
              pointsOnly('floored', REGIME_COLORS.floored),
            ],
          },
          (store) => {
            const t = store.telemetry[id]!;
            const keep = thin(t.step.length, MAX_POINTS);
            const pick = (regime: number) =>
              keep.map((i) => (t.regime[i] === regime ? positive(t.stepSize[i]) : null));
            return [keep.map((i) => t.step[i]!), pick(0), pick(1), pick(2)] as uPlot.AlignedData;
          },
        ),
      );
      const clipping = id === 'gclip' || id === 'dgclip';
      const floor = id === 'dgclip' && p.delta > 0 ? p.gamma / p.delta : null;
      const series: uPlot.Series[] = [
        { label: 'step' },
        { label: '‖g_t‖', stroke: OPTIMIZER_COLORS[id], width: 1 },
      ];
      if (clipping)
        series.push({
          label: `γ = ${p.gamma}`,
          stroke: REGIME_COLORS.clipped,
          width: 2,
          dash: [4, 4],
        });
      if (floor !== null)
        series.push({
          label: `γ/δ = ${Number(floor.toPrecision(4))}`,
          stroke: REGIME_COLORS.floored,
          width: 2,
          dash: [4, 4],
        });
      this.charts.push(
        chartIn(
          card.gradNorm,
          {
            ...baseOptions(
              `${OPTIMIZER_LABELS[id]}: mini-batch gradient norm (log scale)`,
              0,
              '‖g_t‖',
              true,
            ),
            series,
          },
          (store) => {
            const t = store.telemetry[id]!;
            const keep = thin(t.step.length, MAX_POINTS);
            const data: (number | null)[][] = [
              keep.map((i) => t.step[i]!),
              keep.map((i) => positive(t.gradNorm[i])),
            ];
            if (clipping) data.push(keep.map(() => p.gamma));
            if (floor !== null) data.push(keep.map(() => floor));
            return data as uPlot.AlignedData;
          },
        ),
      );
    }
    this.observer = new ResizeObserver(() => this.resize());
    for (const c of this.charts) this.observer.observe(c.plot.root.parentElement!);
  }

  update(store: RunStore): void {
    for (const c of this.charts) c.update(store);
  }

  /** Whether every chart has drawn data (for the tests). */
  drawn(): boolean {
    return this.charts.every((c) => c.plot.data[0] !== undefined && c.plot.data[0].length > 0);
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
  }
}
