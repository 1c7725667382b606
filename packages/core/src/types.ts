import type * as tf from '@tensorflow/tfjs-core';
import type { Updates } from './updates.js';

/**
 * What happened to the step size on one step.
 * - `unclipped`: ||g|| <= gamma, h = eta (a plain gradient step)
 * - `clipped`:   gamma < ||g|| <= gamma/delta, h = eta * gamma / ||g||
 * - `floored`:   ||g|| > gamma/delta, h = eta * delta (the δ regularization binds)
 * - `skipped`:   no variable changed (non-finite gradient, or a zero gradient as in the paper's code)
 */
export type Regime = 'unclipped' | 'clipped' | 'floored' | 'skipped';

/** Regime codes as stored on device, in the order of {@link REGIMES}. */
export const REGIMES: readonly Regime[] = ['unclipped', 'clipped', 'floored', 'skipped'];
export const REGIME_CODE: Readonly<Record<Regime, number>> = {
  unclipped: 0,
  clipped: 1,
  floored: 2,
  skipped: 3,
};

/** State of a transform: device tensors only, in a tree of plain objects and arrays. */
export type TransformState =
  | tf.Tensor
  | readonly TransformState[]
  | { readonly [key: string]: TransformState };

/** JSON-serializable description of a transform, used by getConfig/fromConfig. */
export type TransformConfig = { readonly kind: string } & { readonly [key: string]: unknown };

/**
 * Per-step facts a transform may report for telemetry. All device scalars: reporting never syncs.
 * Later reports in a chain override earlier ones, except that a skip always wins.
 */
export interface StepReport {
  /** Multiplier applied to the learning rate by clipping: h = eta_t * clipScale. */
  clipScale?: tf.Scalar;
  /** Regime code (see {@link REGIME_CODE}) as an int32 scalar. */
  regime?: tf.Scalar;
  /** Boolean scalar: true when the whole step is skipped. */
  skipped?: tf.Scalar;
  /** Host-side learning rate eta_t used this step. */
  learningRate?: number;
}

/**
 * Everything a transform may read about the current step besides the updates it transforms.
 * Norms of the raw gradient are computed once per step and shared by every transform that asks.
 */
export interface UpdateContext {
  /** 0-based index of the step being computed (host number, no device read). */
  readonly step: number;
  /** The variables being updated, aligned with the update tensors. */
  readonly params: readonly tf.Variable[];
  /** Names of the variables, aligned with params. */
  readonly names: readonly string[];
  /**
   * Position of each variable in the list given to applyGradients, aligned with params: the key of
   * per-variable state. Like tf.train's optimizers, state follows the order of the variables, not
   * their names, so a reloaded model whose variables were renamed resumes correctly.
   */
  readonly slots: readonly number[];
  /** The raw loss gradients as passed to applyGradients, aligned with params. */
  readonly rawGradients: readonly tf.Tensor[];
  /** L2 norm of all raw gradients concatenated (memoized, on device). */
  rawGlobalNorm(): tf.Scalar;
  /** L2 norm of each raw gradient tensor (memoized, on device). */
  rawTensorNorms(): readonly tf.Scalar[];
  /** Report per-step telemetry (see {@link StepReport}). */
  report(facts: StepReport): void;
}

/** Result of one transform update. */
export interface TransformResult<S extends TransformState> {
  readonly updates: Updates;
  readonly state: S;
}

/**
 * A gradient transformation in the style of optax: a pure pair of functions. All mutable data
 * lives in the state returned by `init` and threaded through `update`; the transform itself is
 * immutable and may be shared.
 *
 * The sign convention: `updates` start as the raw gradients and end as the quantity to ADD to the
 * variables, so the final transform of an optimizer scales by a negative learning rate.
 */
export interface GradientTransformation<S extends TransformState = TransformState> {
  readonly config: TransformConfig;
  init(): S;
  update(updates: Updates, state: S, context: UpdateContext): TransformResult<S>;
}

/** `{name, tensor}` as used by tf.Optimizer (tfjs-core does not export its own type). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}
