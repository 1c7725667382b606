/**
 * @deltaclip/train — the training loop, the optimizer registry, objectives and metrics, callbacks,
 * run specs and the experiment runner. Browser-safe; `@deltaclip/train/node` adds checkpoints on
 * disk, JSONL logs and file datasets.
 */
export { type AnalysisSpec, plstarCallback } from './analysis.js';
export { applyCalibration, type Calibration, calibrateTheory } from './calibrate.js';
export type { Callback, RunContext, TrainEnd } from './callbacks.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  type CheckpointHeader,
  packTensors,
  type RunPosition,
  type StoredTensor,
  type TensorGroup,
  unpackTensors,
} from './checkpoint-format.js';
export {
  EXPERIMENTS,
  type Experiment,
  type ExperimentPlan,
  type ExperimentVariant,
  experimentVariants,
  NOT_REPRODUCED,
  PAPER_VIT_DELTAS,
} from './experiments.js';
export { analysisInputs, type FullBatch, fullBatch } from './full-batch.js';
export {
  type AnalysisRecord,
  type EpochRecord,
  emptyHistory,
  type Metrics,
  type RunHistory,
  type StepRecord,
} from './history.js';
export { evaluate, type TrainOptions, type TrainResult, trainModel } from './loop.js';
export { LossTaskMismatchError } from './loss-task-mismatch.js';
export type { Objective } from './objective.js';
export { createObjective, LOSS_KINDS, type LossSpec } from './objectives.js';
export {
  type ResumeState,
  type RunOptions,
  type RunOutcome,
  type RunSpec,
  runExperiment,
} from './run.js';
export {
  CLIPPING_CLASSES,
  clippingOf,
  createRunOptimizer,
  describeOptimizer,
  learningRateOf,
  optimizerTitle,
  type RunOptimizer,
  type RunOptimizerOptions,
  resolvedOptimizerConfig,
  validateRunOptimizer,
} from './run-optimizer.js';
export {
  buildTask,
  type DatasetLoader,
  type DatasetSpec,
  loadDataset,
  type Task,
  type TaskSpec,
} from './task.js';
