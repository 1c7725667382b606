import { deltaGClip } from '@deltaclip/core';
import { requireInteger, requireOneOf } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { cnnWorkload } from './cnn.js';
import { embeddingWorkload } from './embedding.js';
import { type MlpProblem, type MlpShape, mlpProblem, mlpWorkload } from './mlp.js';
import type { Workload } from './workload.js';

/** The reference models that every backend must train alike. */
export const REFERENCE_MODELS = ['mlp', 'cnn', 'embedding'] as const;
export type ReferenceModel = (typeof REFERENCE_MODELS)[number];

/** `conformance`: small and quick, for tests; `benchmark`: sized for throughput measurements. */
export type ReferencePreset = 'conformance' | 'benchmark';

export interface ReferenceTrainingOptions {
  /** Seed of the weights and the data (default 1). */
  readonly seed?: number;
  /** Size of the model and the batches (default `conformance`). */
  readonly preset?: ReferencePreset;
  /** Examples per step (default: the preset's). */
  readonly batchSize?: number;
  /**
   * A fresh optimizer. Default: the preset's δ-GClip; in the conformance preset its gamma and
   * delta make every model visit all three regimes (floored, clipped, unclipped) within 20 steps.
   */
  readonly optimizer?: () => tf.Optimizer;
}

/** A reference model being trained on the active backend. */
export interface ReferenceTraining {
  readonly model: ReferenceModel;
  readonly batchSize: number;
  readonly parameterCount: number;
  readonly optimizer: tf.Optimizer;
  /** One optimizer step on the next batch; returns the loss before the step (dispose it). */
  step(): tf.Scalar;
  dispose(): void;
}

/** The δ-GClip hyperparameters of a preset: eta, gamma, delta. */
export interface DeltaGClipSettings {
  readonly learningRate: number;
  readonly gamma: number;
  readonly delta: number;
}

interface Preset {
  readonly batchSize: number;
  readonly batches: number;
  readonly build: (batchSize: number, batches: number, seed: number) => Workload;
  readonly deltaGClip: DeltaGClipSettings;
}

const MLP_SHAPES: Record<ReferencePreset, MlpShape> = {
  conformance: { inputs: 12, hidden: [24, 24], outputs: 3 },
  benchmark: { inputs: 784, hidden: [256, 256], outputs: 10 },
};

const PRESETS: Record<ReferencePreset, Record<ReferenceModel, Preset>> = {
  conformance: {
    mlp: {
      batchSize: 32,
      batches: 4,
      build: (n, b, s) => mlpWorkload(mlpProblem(MLP_SHAPES.conformance, n, b, s)),
      deltaGClip: { learningRate: 0.5, gamma: 0.3, delta: 0.5 },
    },
    cnn: {
      batchSize: 8,
      batches: 3,
      build: (n, b, s) =>
        cnnWorkload(
          { size: 10, channels: 3, filters: [6, 8], depthwise: true, classes: 4 },
          n,
          b,
          s,
        ),
      deltaGClip: { learningRate: 0.3, gamma: 0.9, delta: 0.6 },
    },
    embedding: {
      batchSize: 8,
      batches: 3,
      build: (n, b, s) =>
        embeddingWorkload({ vocabulary: 40, dim: 8, length: 6, classes: 4 }, n, b, s),
      deltaGClip: { learningRate: 0.5, gamma: 0.8, delta: 0.9 },
    },
  },
  benchmark: {
    mlp: {
      batchSize: 128,
      batches: 4,
      build: (n, b, s) => mlpWorkload(mlpProblem(MLP_SHAPES.benchmark, n, b, s)),
      deltaGClip: { learningRate: 0.05, gamma: 1, delta: 0.1 },
    },
    cnn: {
      batchSize: 32,
      batches: 4,
      build: (n, b, s) =>
        cnnWorkload(
          { size: 28, channels: 1, filters: [16, 32], depthwise: false, classes: 10 },
          n,
          b,
          s,
        ),
      deltaGClip: { learningRate: 0.05, gamma: 1, delta: 0.1 },
    },
    embedding: {
      batchSize: 32,
      batches: 4,
      build: (n, b, s) =>
        embeddingWorkload({ vocabulary: 1000, dim: 64, length: 32, classes: 10 }, n, b, s),
      deltaGClip: { learningRate: 0.05, gamma: 1, delta: 0.1 },
    },
  },
};

function resolve(
  model: ReferenceModel,
  options: ReferenceTrainingOptions,
): { preset: Preset; presetName: ReferencePreset; batchSize: number; seed: number } {
  requireOneOf('model', model, REFERENCE_MODELS);
  const presetName = requireOneOf('preset', options.preset ?? 'conformance', [
    'conformance',
    'benchmark',
  ]);
  const preset = PRESETS[presetName][model];
  const batchSize = requireInteger('batchSize', options.batchSize ?? preset.batchSize, 1);
  const seed = requireInteger('seed', options.seed ?? 1, 0);
  return { preset, presetName, batchSize, seed };
}

/**
 * The reference MLP as plain data (weights, batches) with its preset's δ-GClip settings: what an
 * independent implementation needs to reproduce `referenceLossCurve('mlp', ...)` exactly.
 */
export function referenceMlpSetup(options: Omit<ReferenceTrainingOptions, 'optimizer'> = {}): {
  readonly problem: MlpProblem;
  readonly deltaGClip: DeltaGClipSettings;
} {
  const { preset, presetName, batchSize, seed } = resolve('mlp', options);
  return {
    problem: mlpProblem(MLP_SHAPES[presetName], batchSize, preset.batches, seed),
    deltaGClip: preset.deltaGClip,
  };
}

/**
 * Builds a reference model with deterministic weights and data on the active backend, ready to
 * train: the same numbers on every backend, so loss curves can be compared across backends.
 *
 * @example
 * const run = createReferenceTraining('cnn');
 * for (let i = 0; i < 20; i++) run.step().dispose();
 * run.dispose();
 */
export function createReferenceTraining(
  model: ReferenceModel,
  options: ReferenceTrainingOptions = {},
): ReferenceTraining {
  const { preset, batchSize, seed } = resolve(model, options);
  const workload = preset.build(batchSize, preset.batches, seed);
  const optimizer = options.optimizer?.() ?? deltaGClip(preset.deltaGClip);
  let next = 0;
  return {
    model,
    batchSize,
    parameterCount: workload.variables.reduce((n, v) => n + v.size, 0),
    optimizer,
    step() {
      const index = next++;
      return optimizer.minimize(() => workload.loss(index), true, workload.variables)!;
    },
    dispose() {
      optimizer.dispose();
      workload.dispose();
    },
  };
}

/** Trains a reference model for `steps` steps on the active backend and returns the losses. */
export async function referenceLossCurve(
  model: ReferenceModel,
  steps: number,
  options: ReferenceTrainingOptions = {},
): Promise<number[]> {
  requireInteger('steps', steps, 1);
  const run = createReferenceTraining(model, options);
  const losses: tf.Scalar[] = [];
  try {
    for (let i = 0; i < steps; i++) losses.push(run.step());
    const values = await Promise.all(losses.map((l) => l.data()));
    return values.map((v) => v[0]!);
  } finally {
    tf.dispose(losses);
    run.dispose();
  }
}
