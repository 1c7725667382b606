import type { Model } from '@deltaclip/models';
import type * as tf from '@tensorflow/tfjs-core';
import type { RunPosition } from './checkpoint-format.js';
import type { EpochRecord, RunHistory, StepRecord } from './history.js';

/** What callbacks see of a running training loop. */
export interface RunContext {
  readonly model: Model;
  readonly optimizer: tf.Optimizer;
  /** The position of the next step. */
  readonly position: RunPosition;
  readonly history: RunHistory;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
  /** Ask the loop to stop after the current step (it then calls onTrainEnd with stopped: true). */
  requestStop(reason: string): void;
  /** Read the pending step losses and telemetry into `history` now (before a checkpoint). */
  flushRecords(): Promise<void>;
}

export interface TrainEnd {
  /** True when the loop stopped early (requestStop, maxSteps, an abort signal). */
  readonly stopped: boolean;
  readonly reason?: string;
}

/**
 * Hooks into the training loop. All are optional and may be async; the loop awaits them, so keep
 * per-step work small (or do it every k steps).
 */
export interface Callback {
  onTrainBegin?(run: RunContext): void | Promise<void>;
  /** After each optimizer step; `run.position` is the next step's. */
  onStepEnd?(run: RunContext): void | Promise<void>;
  /** Step records, delivered in batches as their values arrive from the device. */
  onStepRecords?(run: RunContext, records: readonly StepRecord[]): void | Promise<void>;
  onEpochEnd?(run: RunContext, record: EpochRecord): void | Promise<void>;
  onTrainEnd?(run: RunContext, end: TrainEnd): void | Promise<void>;
}
