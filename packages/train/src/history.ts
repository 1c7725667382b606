import type { Regime } from '@deltaclip/core';

/** One optimizer step as recorded by a run (loss read asynchronously, telemetry from the optimizer). */
export interface StepRecord {
  readonly step: number;
  /** Training loss of the step's batch (before the update). */
  readonly loss: number;
  readonly gradNorm?: number;
  readonly stepSize?: number;
  readonly regime?: Regime;
}

/** Metrics of one evaluation pass over a split, in inference mode. */
export type Metrics = Readonly<Record<string, number>>;

/** End-of-epoch evaluation; every optimizer in a comparison gets the same one. */
export interface EpochRecord {
  readonly epoch: number;
  /** Steps taken when the epoch ended. */
  readonly step: number;
  readonly train: Metrics;
  readonly validation?: Metrics;
  readonly test?: Metrics;
  /** Wall-clock seconds since the run started (excluding time before a resume). */
  readonly seconds: number;
}

/** A PL* observation (from @deltaclip/plstar's monitor), stored as it came. */
export type AnalysisRecord = Readonly<Record<string, unknown>> & { readonly step: number };

/** Everything a run records, JSON-serializable (checkpoints carry it, reports plot it). */
export interface RunHistory {
  readonly steps: StepRecord[];
  readonly epochs: EpochRecord[];
  readonly analysis: AnalysisRecord[];
}

export function emptyHistory(): RunHistory {
  return { steps: [], epochs: [], analysis: [] };
}
