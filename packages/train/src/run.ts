import { type RegimeCounts, type ScheduleConfig, scheduleFromConfig } from '@deltaclip/core';
import { requireInteger } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { type AnalysisSpec, plstarCallback } from './analysis.js';
import type { Callback } from './callbacks.js';
import type { RunPosition, StoredTensor } from './checkpoint-format.js';
import type { AnalysisRecord, RunHistory } from './history.js';
import { type TrainResult, trainModel } from './loop.js';
import { createOptimizer, type OptimizerSpec, validateOptimizerSpec } from './optimizers.js';
import { buildTask, type DatasetLoader, type TaskSpec } from './task.js';

/** Everything that defines a training run, as JSON: what checkpoints store to resume it. */
export interface RunSpec {
  readonly task: TaskSpec;
  readonly optimizer: OptimizerSpec;
  /** Learning-rate multiplier per step; stepDecay with unit 'epoch' gets stepsPerEpoch filled in. */
  readonly schedule?: ScheduleConfig | null;
  readonly epochs: number;
  /** Samples per step, or 'full' for full-batch gradient descent (the theory's setting). */
  readonly batchSize: number | 'full';
  readonly seed: number;
  /** Stop after this many steps in total. */
  readonly maxSteps?: number;
  /** PL* analysis during training. */
  readonly analysis?: AnalysisSpec | null;
}

export interface ResumeState {
  readonly position: RunPosition;
  readonly history: RunHistory;
  readonly tensors: readonly StoredTensor[];
}

export interface RunOptions {
  readonly callbacks?: readonly Callback[];
  readonly signal?: AbortSignal;
  /** Dataset loader (the Node entry's handles file datasets). */
  readonly loader?: DatasetLoader;
  /** Prefix of the model's variable names (runs in one process need distinct ones). */
  readonly prefix?: string;
  /** Continue from a checkpoint. */
  readonly resume?: ResumeState;
  /** Each PL* record as it is made. */
  readonly onAnalysis?: (record: AnalysisRecord) => void;
  /** Read step records every this many steps (default 16). */
  readonly recordEvery?: number;
}

export interface RunOutcome {
  readonly spec: RunSpec;
  readonly result: TrainResult;
  /** Regime counts of the optimizer's steps (all deltaclip optimizers report them). */
  readonly regimeCounts: RegimeCounts;
  readonly parameterCount: number;
  readonly trainSize: number;
  readonly stepsPerEpoch: number;
}

function withStepsPerEpoch(schedule: ScheduleConfig, stepsPerEpoch: number): ScheduleConfig {
  switch (schedule.kind) {
    case 'stepDecay':
      return schedule.unit === 'epoch' && !(schedule.stepsPerEpoch > 1)
        ? { ...schedule, stepsPerEpoch }
        : schedule;
    case 'join':
    case 'product':
      return {
        ...schedule,
        schedules: schedule.schedules.map((s) => withStepsPerEpoch(s, stepsPerEpoch)),
      } as ScheduleConfig;
    default:
      return schedule;
  }
}

/**
 * Run one experiment from its spec: build the task and optimizer, restore a checkpoint if given,
 * train with the callbacks, release everything. Every run with the same spec (whatever the
 * optimizer) starts from the same initial weights and sees the same data order.
 */
export async function runExperiment(spec: RunSpec, options: RunOptions = {}): Promise<RunOutcome> {
  validateOptimizerSpec(spec.optimizer);
  requireInteger('seed', spec.seed, 0);
  const task = await buildTask(spec.task, {
    seed: spec.seed,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.loader ? { loader: options.loader } : {}),
  });
  const batchSize =
    spec.batchSize === 'full' ? task.train.size : requireInteger('batchSize', spec.batchSize, 1);
  const stepsPerEpoch = Math.ceil(task.train.size / batchSize);
  const schedule = spec.schedule
    ? scheduleFromConfig(withStepsPerEpoch(spec.schedule, stepsPerEpoch))
    : undefined;
  const optimizer = createOptimizer(spec.optimizer, {
    ...(schedule ? { schedule } : {}),
    telemetry: { history: true },
  });
  // The PL* monitor keeps w_0: create it while the weights are still the initial ones.
  const analysis = spec.analysis
    ? plstarCallback(task, spec.task.loss, spec.analysis, options.onAnalysis)
    : undefined;
  try {
    if (options.resume) {
      const { tensors } = options.resume;
      task.model.setWeights(
        tensors
          .filter((t) => t.group === 'model')
          .map((t) => ({ name: t.name, shape: t.shape, values: t.values })),
      );
      const optimizerWeights = tensors
        .filter((t) => t.group === 'optimizer')
        .map((t) => ({ name: t.name, tensor: tf.tensor(t.values, [...t.shape], t.dtype) }));
      await optimizer.setWeights(optimizerWeights);
      tf.dispose(optimizerWeights.map((w) => w.tensor));
    }
    const result = await trainModel({
      model: task.model,
      optimizer,
      objective: task.objective,
      train: task.train,
      ...(task.validation ? { validation: task.validation } : {}),
      ...(task.test ? { test: task.test } : {}),
      labels: task.labels,
      epochs: spec.epochs,
      batchSize,
      seed: spec.seed,
      ...(spec.maxSteps === undefined ? {} : { maxSteps: spec.maxSteps }),
      ...(options.resume
        ? { start: options.resume.position, history: options.resume.history }
        : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.recordEvery ? { recordEvery: options.recordEvery } : {}),
      callbacks: [...(analysis ? [analysis] : []), ...(options.callbacks ?? [])],
    });
    return {
      spec,
      result,
      regimeCounts: await optimizer.telemetry.counts(),
      parameterCount: task.model.parameterCount,
      trainSize: task.train.size,
      stepsPerEpoch,
    };
  } finally {
    analysis?.dispose();
    optimizer.dispose();
    task.model.dispose();
  }
}
