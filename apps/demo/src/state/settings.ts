/**
 * Every setting of the playground, with its default and its allowed range. The URL state
 * (url-state.ts) is these settings and nothing else, so a URL reproduces a run.
 */
import { BUNDLED_DATASETS, CLASSIFICATION_2D_KINDS, SURFACE_2D_KINDS } from '@deltaclip/datasets';
import { type Activation, ACTIVATIONS as MODEL_ACTIVATIONS } from '@deltaclip/models';

/** 2-D classification sets, surfaces and bundled real tables: the lists of @deltaclip/datasets. */
export const CLASSIFICATION_SETS = CLASSIFICATION_2D_KINDS;
export const SURFACE_SETS = SURFACE_2D_KINDS;
export const BUNDLED_SETS = BUNDLED_DATASETS;
/**
 * The theory's data: a teacher-student regression (targets from a random ReLU network on Gaussian
 * inputs in TEACHER_INPUT_DIM dimensions), where the tangent kernel is well conditioned.
 */
export const THEORY_SETS = ['teacher'] as const;
/** Inputs of the teacher set: nearly orthogonal for a few dozen samples (the CLI's theory experiment). */
export const TEACHER_INPUT_DIM = 64;
export const TEACHER_HIDDEN = [32] as const;
export const DATASETS = [
  ...CLASSIFICATION_SETS,
  ...SURFACE_SETS,
  ...THEORY_SETS,
  ...BUNDLED_SETS,
  'csv',
] as const;
export type DatasetName = (typeof DATASETS)[number];

/** The activations of @deltaclip/models' MLP. */
export const ACTIVATIONS = MODEL_ACTIVATIONS;
export type ActivationName = Activation;

export const PARAMETERIZATIONS = ['standard', 'ntk'] as const;
export type ParameterizationName = (typeof PARAMETERIZATIONS)[number];

export const LOSSES = ['square', 'cross-entropy'] as const;
export type LossName = (typeof LOSSES)[number];

/** The optimizers that can race, in display order. */
export const OPTIMIZER_IDS = ['sgd', 'adam', 'gclip', 'dgclip'] as const;
export type OptimizerId = (typeof OPTIMIZER_IDS)[number];

export const OPTIMIZER_LABELS: Readonly<Record<OptimizerId, string>> = {
  sgd: 'SGD',
  adam: 'Adam',
  gclip: 'GClip',
  dgclip: 'δ-GClip',
};

/**
 * The inputs a 2-D set's model can be fed, as in TensorFlow Playground: the coordinates and
 * functions of them (computed in the race, see training/features.ts).
 */
export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureId = (typeof FEATURES)[number];

export const FEATURE_LABELS: Readonly<Record<FeatureId, string>> = {
  x1: 'x₁',
  x2: 'x₂',
  x1sq: 'x₁²',
  x2sq: 'x₂²',
  x1x2: 'x₁x₂',
  sinx1: 'sin x₁',
  sinx2: 'sin x₂',
};

/** Most hidden layers, and most units in one. */
export const MAX_HIDDEN_LAYERS = 6;
export const MAX_LAYER_WIDTH = 256;

export const BACKENDS = ['auto', 'wasm', 'webgl', 'cpu'] as const;
export type BackendSetting = (typeof BACKENDS)[number];

export interface OptimizerParams {
  /** Learning rate eta. */
  readonly eta: number;
  /** Clipping threshold gamma (GClip, δ-GClip). */
  readonly gamma: number;
  /** Floor delta (δ-GClip). */
  readonly delta: number;
}

export interface Settings {
  readonly dataset: DatasetName;
  /** Points of a synthetic set. */
  readonly samples: number;
  /** Noise of a synthetic set (classification: coordinate noise; surfaces: target noise). */
  readonly noise: number;
  /** Fraction of the samples held out as the test split. */
  readonly testFraction: number;
  /** Units of each hidden layer, input side first (empty: a linear model). */
  readonly hidden: readonly number[];
  /** The model's inputs on a 2-D set (other sets feed their own features, and ignore this). */
  readonly features: readonly FeatureId[];
  /**
   * Weight decay lambda: lambda/2 times the squared norm of every kernel (not the biases) is added
   * to the training loss of every optimizer (see training/race.ts).
   */
  readonly weightDecay: number;
  readonly activation: ActivationName;
  readonly parameterization: ParameterizationName;
  /** Regression always uses the square loss. */
  readonly loss: LossName;
  /** Samples per step; 0 is the full batch (plain gradient descent, the theory's setting). */
  readonly batchSize: number;
  /** The optimizers raced, in order, at least one. */
  readonly optimizers: readonly OptimizerId[];
  readonly params: Readonly<Record<OptimizerId, OptimizerParams>>;
  /** Seed of the data, the split, the initial weights and the batch order. */
  readonly seed: number;
  /** Full-batch losses and mu_t are measured every this many steps. */
  readonly evalEvery: number;
  readonly backend: BackendSetting;
  /** The target column of an uploaded CSV (empty: the last column). */
  readonly csvTarget: string;
}

export const DEFAULT_SETTINGS: Settings = {
  dataset: 'spiral',
  samples: 400,
  noise: 0.03,
  testFraction: 0.2,
  hidden: [64, 64],
  features: ['x1', 'x2'],
  weightDecay: 0,
  activation: 'relu',
  parameterization: 'standard',
  loss: 'square',
  batchSize: 32,
  optimizers: ['gclip', 'dgclip'],
  params: {
    sgd: { eta: 0.1, gamma: 0.25, delta: 0 },
    adam: { eta: 0.01, gamma: 0.25, delta: 0 },
    gclip: { eta: 1, gamma: 0.25, delta: 0 },
    dgclip: { eta: 1, gamma: 0.25, delta: 0.1 },
  },
  seed: 1,
  evalEvery: 10,
  backend: 'auto',
  csvTarget: '',
};

/** Whether a data set is a regression task (square loss only). */
export function isRegression(dataset: DatasetName): boolean {
  return (
    (SURFACE_SETS as readonly string[]).includes(dataset) ||
    dataset === 'cars' ||
    dataset === 'teacher'
  );
}

/** Whether a data set is generated from the settings alone (so its URL reproduces it). */
export function isSynthetic(dataset: DatasetName): boolean {
  return (
    (CLASSIFICATION_SETS as readonly string[]).includes(dataset) ||
    (SURFACE_SETS as readonly string[]).includes(dataset) ||
    dataset === 'teacher'
  );
}

/** Which parameters an optimizer takes. */
export const OPTIMIZER_PARAMS: Readonly<Record<OptimizerId, readonly (keyof OptimizerParams)[]>> = {
  sgd: ['eta'],
  adam: ['eta'],
  gclip: ['eta', 'gamma'],
  dgclip: ['eta', 'gamma', 'delta'],
};
