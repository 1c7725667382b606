import type { ScheduleConfig } from '@deltaclip/core';
import type { AnalysisSpec } from './analysis.js';
import type { RunSpec } from './run.js';
import type { RunOptimizer } from './run-optimizer.js';

/** A comparison: the shared run settings and the optimizers raced on them. */
export interface ExperimentPlan {
  readonly base: Omit<RunSpec, 'optimizer'>;
  readonly optimizers: readonly RunOptimizer[];
}

export interface Experiment {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The paper's settings (paper-notes section 3). */
  readonly paper: ExperimentPlan;
  /** Scaled down to finish on a laptop CPU in minutes. */
  readonly laptop: ExperimentPlan;
  /** What differs from the paper even with the paper's settings. */
  readonly deviations: readonly string[];
  /** Needs a data directory (file datasets). */
  readonly needsData: boolean;
  /** Learning rates and thresholds are calibrated at initialization (see `calibrateTheory`). */
  readonly calibrated?: boolean;
}

const paperSchedule: ScheduleConfig = {
  kind: 'stepDecay',
  boundaries: [100, 150],
  factor: 0.1,
  unit: 'epoch',
  stepsPerEpoch: 0,
};

const resnetOptimizers: RunOptimizer[] = [
  { className: 'deltaclip.SGD', config: { learningRate: 1 } },
  { className: 'deltaclip.DeltaGClip', config: { learningRate: 5, gamma: 0.25, delta: 1e-3 } },
  {
    className: 'deltaclip.DeltaGClip',
    config: { learningRate: 5, gamma: 0.25, delta: 1e-8 },
    label: 'δ-GClip (delta 1e-8)',
  },
  { className: 'deltaclip.GClip', config: { learningRate: 5, gamma: 0.25 } },
  { className: 'deltaclip.Adam', config: { learningRate: 1e-4 } },
];

const vaeOptimizers: RunOptimizer[] = [
  { className: 'deltaclip.Adam', config: { learningRate: 1e-3 } },
  { className: 'deltaclip.SGD', config: { learningRate: 1e-4 } },
  { className: 'deltaclip.GClip', config: { learningRate: 1e-3, gamma: 200 } },
  { className: 'deltaclip.DeltaGClip', config: { learningRate: 1e-3, gamma: 200, delta: 0.1 } },
];

const vitOptimizers: RunOptimizer[] = [
  { className: 'deltaclip.Adam', config: { learningRate: 5e-4, weightDecay: 1e-5 } },
  { className: 'deltaclip.DeltaGClip', config: { learningRate: 0.2, gamma: 1, delta: 1e-2 } },
  {
    className: 'deltaclip.DeltaGClip',
    config: { learningRate: 0.2, gamma: 1, delta: 1e-4 },
    label: 'δ-GClip (delta 1e-4)',
  },
];

/**
 * The theory's setting: full-batch 0.5 * mean squared error of a wide NTK ReLU network on a
 * teacher-student regression. Learning rates and gamma are placeholders that `calibrateTheory`
 * replaces; delta = 0.5 makes the floor bind early.
 */
function theoryPlan(width: number, steps: number, analysis: AnalysisSpec): ExperimentPlan {
  return {
    base: {
      task: {
        dataset: {
          name: 'teacher-student',
          options: { numSamples: 64, inputDim: 8, hiddenWidths: [32], seed: 1 },
          split: { test: 0.25 },
        },
        model: {
          kind: 'mlp',
          inputSize: 8,
          hidden: [width],
          outputSize: 1,
          parameterization: 'ntk',
          activation: 'relu',
          seed: 0,
        },
        loss: { kind: 'square', reduction: 'mean', half: true },
      },
      epochs: steps,
      batchSize: 'full',
      seed: 0,
      analysis,
    },
    optimizers: [
      { className: 'deltaclip.DeltaGClip', config: { learningRate: 1, gamma: 1, delta: 0.5 } },
      { className: 'deltaclip.GClip', config: { learningRate: 1, gamma: 1 } },
      { className: 'deltaclip.SGD', config: { learningRate: 1 } },
    ],
  };
}

/** The paper's experiments (and the theory's setting), each with a laptop-sized default. */
export const EXPERIMENTS: Readonly<Record<string, Experiment>> = {
  theory: {
    name: 'theory',
    title: 'Theory: full-batch square loss on a wide two-layer ReLU network',
    description:
      'The setting of the convergence proof: a wide NTK-parameterized ReLU network, full-batch gradient steps on 0.5 * mean squared error. ' +
      'Learning rate eta = 0.5/beta_0 and thresholds gamma = 0.2 ||g_0||, delta = 0.5 are calibrated at initialization so that eta <= 1/beta and the floor binds early; PL* is measured along the run and the certificate is checked.',
    needsData: false,
    calibrated: true,
    paper: theoryPlan(4096, 600, { every: 20, tangentKernelSamples: 48, hessianIterations: 8 }),
    laptop: theoryPlan(2048, 300, { every: 25, tangentKernelSamples: 48, hessianIterations: 6 }),
    deviations: [
      'A synthetic teacher-student regression stands in for the real data the proof does not fix.',
    ],
  },
  'resnet-cifar10': {
    name: 'resnet-cifar10',
    title: 'ResNet-18 on CIFAR-10',
    description:
      'CIFAR ResNet-18, cross-entropy, batch 512, 200 epochs, eta x0.1 after epochs 100 and 150 for every optimizer (the same schedule for all: a fair comparison).',
    needsData: true,
    paper: {
      base: {
        task: {
          dataset: { name: 'cifar-10' },
          model: { kind: 'resnet', preset: 'resnet18', numClasses: 10, seed: 0 },
          loss: { kind: 'cross-entropy' },
        },
        epochs: 200,
        batchSize: 512,
        seed: 0,
        schedule: paperSchedule,
      },
      optimizers: resnetOptimizers,
    },
    laptop: {
      base: {
        task: {
          dataset: { name: 'cifar-10', limit: { train: 2048, test: 512 } },
          model: { kind: 'resnet', preset: 'resnet-mini', numClasses: 10, seed: 0 },
          loss: { kind: 'cross-entropy' },
        },
        epochs: 4,
        batchSize: 128,
        seed: 0,
        schedule: { ...paperSchedule, boundaries: [2, 3] },
      },
      optimizers: resnetOptimizers,
    },
    deviations: [
      'No random-crop/flip augmentation (the datasets package has none yet).',
      'Inputs scaled to [0, 1] instead of per-channel standardized.',
    ],
  },
  'vae-fashion-mnist': {
    name: 'vae-fashion-mnist',
    title: "The paper's VAE on Fashion-MNIST",
    description:
      'MLP VAE 784-50-50, latent 50, LeakyReLU 0.2, sigmoid output; loss = summed squared error + KL over the batch of 100; 200 epochs.',
    needsData: true,
    paper: {
      base: {
        task: {
          dataset: { name: 'fashion-mnist' },
          model: { kind: 'vae', preset: 'vae-paper', seed: 0 },
          loss: { kind: 'vae' },
        },
        epochs: 200,
        batchSize: 100,
        seed: 0,
      },
      optimizers: vaeOptimizers,
    },
    laptop: {
      base: {
        task: {
          dataset: { name: 'fashion-mnist', limit: { train: 6000, test: 1000 } },
          model: { kind: 'vae', preset: 'vae-paper', seed: 0 },
          loss: { kind: 'vae' },
        },
        epochs: 5,
        batchSize: 100,
        seed: 0,
      },
      optimizers: vaeOptimizers,
    },
    deviations: [],
  },
  'vit-cifar10': {
    name: 'vit-cifar10',
    title: 'ViT on CIFAR-10',
    description:
      'ViT-tiny (width 192, 3 heads, depth 12, patch 16) on CIFAR-10 resized to 64x64, batch 64, 100 epochs; Adam with weight decay vs δ-GClip.',
    needsData: true,
    paper: {
      base: {
        task: {
          dataset: { name: 'cifar-10' },
          model: { kind: 'vit', preset: 'vit-tiny', numClasses: 10, seed: 0 },
          loss: { kind: 'cross-entropy' },
        },
        epochs: 100,
        batchSize: 64,
        seed: 0,
      },
      optimizers: vitOptimizers,
    },
    laptop: {
      base: {
        task: {
          dataset: { name: 'cifar-10', limit: { train: 2048, test: 512 } },
          model: { kind: 'vit', preset: 'vit-mini', numClasses: 10, seed: 0 },
          loss: { kind: 'cross-entropy' },
        },
        epochs: 3,
        batchSize: 64,
        seed: 0,
      },
      optimizers: vitOptimizers,
    },
    deviations: [
      'The laptop default uses vit-mini on 32x32 images; --full uses vit-tiny on images resized to 64x64 (bilinear).',
      'In the paper the δ floor never bound in these runs (gradient norms 1.4-14 against gamma/delta >= 100); watch the regime counts and the δ advisor.',
    ],
  },
};
