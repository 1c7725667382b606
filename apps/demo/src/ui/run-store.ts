/**
 * What the page knows about the current run, accumulated from the worker's progress messages: the
 * measurements per optimizer in column form (what the charts draw), the latest heatmaps and
 * analyses, and the backend. Pure data, no DOM.
 */
import { REGIMES, type Regime } from '@deltaclip/core';
import type { OptimizerId } from '../state/settings.js';
import type { Analysis, BetaPoint, EvalPoint } from '../training/race.js';
import type { BackendSummary, Progress, RaceSummary } from '../worker/protocol.js';

/** One optimizer's per-step telemetry as columns. */
export interface TelemetryColumns {
  readonly step: number[];
  readonly gradNorm: number[];
  readonly stepSize: number[];
  /** Index into core's REGIMES. */
  readonly regime: number[];
}

export interface RegimeTally {
  readonly unclipped: number;
  readonly clipped: number;
  readonly floored: number;
  readonly skipped: number;
}

/** What `window.__deltaclip.snapshot()` returns (the end-to-end tests and the benchmark read it). */
export interface Snapshot {
  readonly step: number;
  readonly running: boolean;
  readonly ready: boolean;
  readonly stepsPerSecond: number | null;
  readonly backend: BackendSummary | null;
  readonly losses: Record<
    string,
    { step: number; trainLoss: number; testLoss: number | null; mu: number | null }[]
  >;
  readonly heatmaps: number;
  readonly analyses: number;
  readonly error: string | null;
  readonly url: string;
}

export class RunStore {
  runId = 0;
  ready = false;
  running = false;
  step = 0;
  stepsPerSecond: number | null = null;
  backend: BackendSummary | null = null;
  summary: RaceSummary | null = null;
  error: string | null = null;
  ids: OptimizerId[] = [];
  evals: Partial<Record<OptimizerId, EvalPoint[]>> = {};
  telemetry: Partial<Record<OptimizerId, TelemetryColumns>> = {};
  betas: Partial<Record<OptimizerId, BetaPoint[]>> = {};
  heatmaps: Partial<Record<OptimizerId, Float32Array>> = {};
  /** Heatmaps received so far (a counter the tests use). */
  heatmapCount = 0;
  analyses: readonly Analysis[] = [];
  analysesCount = 0;
  /** Steps per regime index, counted as they arrive (a render must not recount the run). */
  private regimeCounts: Partial<Record<OptimizerId, number[]>> = {};

  /** Forget the run: a new one (runId) starts. */
  reset(runId: number, ids: readonly OptimizerId[]): void {
    this.runId = runId;
    this.ready = false;
    this.running = false;
    this.step = 0;
    this.stepsPerSecond = null;
    this.summary = null;
    this.error = null;
    this.ids = [...ids];
    this.evals = {};
    this.telemetry = {};
    this.betas = {};
    this.heatmaps = {};
    this.heatmapCount = 0;
    this.analyses = [];
    this.analysesCount = 0;
    this.regimeCounts = {};
    for (const id of ids) {
      this.regimeCounts[id] = REGIMES.map(() => 0);
      this.evals[id] = [];
      this.telemetry[id] = { step: [], gradNorm: [], stepSize: [], regime: [] };
      this.betas[id] = [];
    }
  }

  /** Add a progress message's contents. */
  apply(progress: Progress): void {
    const { update } = progress;
    this.step = update.step;
    this.running = progress.running;
    this.stepsPerSecond = progress.stepsPerSecond;
    for (const id of this.ids) {
      const evals = update.evals[id];
      if (evals) this.evals[id]!.push(...evals);
      const betas = update.betas[id];
      if (betas) this.betas[id]!.push(...betas);
      const records = update.telemetry[id];
      const columns = this.telemetry[id]!;
      if (records) {
        const counts = this.regimeCounts[id]!;
        for (const r of records) {
          const regime = REGIMES.indexOf(r.regime);
          columns.step.push(r.step + 1); // record t is the step that produced w_{t+1}
          columns.gradNorm.push(r.gradNorm);
          columns.stepSize.push(r.stepSize);
          columns.regime.push(regime);
          counts[regime] = (counts[regime] ?? 0) + 1;
        }
      }
    }
    if (progress.heatmaps) {
      this.heatmaps = { ...this.heatmaps, ...progress.heatmaps };
      this.heatmapCount++;
    }
    if (progress.analyses) {
      this.analyses = progress.analyses;
      this.analysesCount++;
    }
  }

  /** Steps per regime for one optimizer. */
  regimeTally(id: OptimizerId): RegimeTally {
    const counts = this.regimeCounts[id] ?? [];
    const at = (regime: Regime) => counts[REGIMES.indexOf(regime)] ?? 0;
    return {
      unclipped: at('unclipped'),
      clipped: at('clipped'),
      floored: at('floored'),
      skipped: at('skipped'),
    };
  }

  /** The latest full-batch measurement of one optimizer. */
  latest(id: OptimizerId): EvalPoint | undefined {
    const e = this.evals[id];
    return e?.[e.length - 1];
  }

  snapshot(url: string): Snapshot {
    return {
      step: this.step,
      running: this.running,
      ready: this.ready,
      stepsPerSecond: this.stepsPerSecond,
      backend: this.backend,
      losses: Object.fromEntries(
        this.ids.map((id) => [
          id,
          (this.evals[id] ?? []).map((e) => ({
            step: e.step,
            trainLoss: e.trainLoss,
            testLoss: e.testLoss,
            mu: e.mu,
          })),
        ]),
      ),
      heatmaps: this.heatmapCount,
      analyses: this.analysesCount,
      error: this.error,
      url,
    };
  }
}
