/**
 * Messages between the page and the training worker. Every message about a run carries its
 * `runId`, so the page can drop what an older run still sends after a reset.
 */
import type { StepTelemetry } from '@deltaclip/core';
import type { NamedWeight } from '@deltaclip/models';
import type { CsvProgress } from '../data/csv-upload.js';
import type { PlaneExtent, Task } from '../data/prepare-data.js';
import type { Thumbnail } from '../data/thumbnails.js';
import type { BackendSetting, OptimizerId, Settings } from '../state/settings.js';
import type { NetworkWeights } from '../training/network.js';
import type { Analysis, BetaPoint, EvalPoint, RaceUpdate } from '../training/race.js';

/**
 * The page's first message to a new worker: the backend to start, and the page's frame gate
 * (frame-gate.ts; null where the page is not cross-origin isolated).
 */
export interface StartWorker {
  readonly type: 'backend';
  readonly backend: BackendSetting;
  readonly gate: SharedArrayBuffer | null;
}

/** The backend the worker trains on. */
export interface BackendSummary {
  readonly name: string;
  readonly variant: string;
  readonly threads: number;
  readonly simd: boolean;
  /** Whether it computes on the GPU (WebGL). */
  readonly gpu: boolean;
  /** Why the worker fell back to the cpu backend, when it did. */
  readonly fallback: string | null;
}

/** What the page needs to know about a new race. */
export interface RaceSummary {
  readonly dataset: string;
  readonly description: string;
  readonly task: Task;
  readonly trainSize: number;
  readonly testSize: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly classes: readonly string[];
  readonly featureNames: readonly string[];
  readonly parameterCount: number;
  readonly batchSize: number;
  readonly loss: 'square' | 'cross-entropy';
  readonly formula: string | null;
  readonly plane: PlaneExtent | null;
  readonly gridSize: number;
  /** 2-D sets: the points to draw over the heatmap (features as the model sees them). */
  readonly points: {
    readonly train: { readonly x: Float32Array; readonly y: Float32Array };
    readonly test: { readonly x: Float32Array; readonly y: Float32Array } | null;
  } | null;
  /** Regression: the range of the training targets (for the heatmap's colours). */
  readonly targetRange: readonly [number, number] | null;
}

/**
 * An uploaded file as the page hands it over: the File itself (the worker reads and parses it, so
 * the page never blocks), an id per upload (the worker keeps the last one parsed) and the columns
 * the user dropped.
 */
export interface CsvUpload {
  readonly id: number;
  readonly file: string;
  readonly blob: Blob;
  readonly drop: readonly string[];
}

export type ToWorker =
  | {
      readonly type: 'init';
      readonly runId: number;
      readonly settings: Settings;
      readonly csv?: CsvUpload;
    }
  | { readonly type: 'play'; readonly runId: number }
  | { readonly type: 'pause'; readonly runId: number }
  | { readonly type: 'step'; readonly runId: number; readonly count: number }
  | { readonly type: 'weights'; readonly runId: number }
  | { readonly type: 'history'; readonly runId: number }
  /** The points of every 2-D set, for the data-set chooser. */
  | { readonly type: 'thumbnails' }
  | {
      readonly type: 'check-csv';
      readonly requestId: number;
      readonly csv: CsvUpload;
      readonly target: string;
      readonly test: number;
      readonly seed: number;
    };

/** The worker's verdict on an uploaded CSV (checked there, so the page never loads tfjs). */
export type CsvVerdict =
  | {
      readonly ok: true;
      readonly columns: readonly string[];
      readonly target: string;
      readonly task: Task;
      readonly rows: number;
    }
  | {
      readonly ok: false;
      readonly message: string;
      /** The file's columns when it parsed (so the page can offer to drop one), else null. */
      readonly columns: readonly string[] | null;
    };

export interface Progress {
  readonly update: RaceUpdate;
  readonly running: boolean;
  /** Race steps (every optimizer one step) per second over the last seconds of play. */
  readonly stepsPerSecond: number | null;
  readonly heatmaps: Partial<Record<OptimizerId, Float32Array>> | null;
  readonly analyses: readonly Analysis[] | null;
  /** The network diagram's weights, at most every DIAGRAM_MS while playing (null: none new). */
  readonly network: NetworkWeights | null;
}

export type FromWorker =
  | { readonly type: 'backend'; readonly backend: BackendSummary }
  | {
      readonly type: 'ready';
      readonly runId: number;
      readonly summary: RaceSummary;
      readonly progress: Progress;
    }
  | { readonly type: 'progress'; readonly runId: number; readonly progress: Progress }
  | { readonly type: 'error'; readonly runId: number; readonly message: string }
  | { readonly type: 'csv-check'; readonly requestId: number; readonly verdict: CsvVerdict }
  | { readonly type: 'csv-progress'; readonly progress: CsvProgress }
  | { readonly type: 'thumbnails'; readonly thumbnails: readonly Thumbnail[] }
  | {
      readonly type: 'weights';
      readonly runId: number;
      readonly step: number;
      readonly weights: Partial<Record<OptimizerId, NamedWeight[]>>;
    }
  | {
      readonly type: 'history';
      readonly runId: number;
      readonly step: number;
      readonly history: Record<
        string,
        { evals: EvalPoint[]; telemetry: StepTelemetry[]; betas: BetaPoint[] }
      >;
      readonly analyses: readonly Analysis[];
    };
