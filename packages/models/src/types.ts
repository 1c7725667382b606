import type * as tf from '@tensorflow/tfjs-core';
import type { NamedWeight, NamedWeightInput } from './weights.js';

/** Fields every model config accepts. */
export interface CommonConfig {
  /**
   * Seed of the initial weights (integer >= 0, default 0). The same config gives bit-identical
   * initial weights on every backend.
   */
  readonly seed?: number;
  /**
   * Prefix of the tfjs variable names (`${prefix}/dense0/kernel`). Default: the model's name, or
   * `${name}_1`, `${name}_2`, ... when that is taken by a live model. An explicit prefix that is
   * taken throws a `VariableNameCollisionError`. It never changes the initial values.
   */
  readonly prefix?: string;
  /** Name of a preset whose fields fill in what this config leaves out (see `MODEL_PRESETS`). */
  readonly preset?: string;
}

/** What every model's config is: the common fields and its kind (`ModelConfig` lists them all). */
export interface KindedConfig extends CommonConfig {
  readonly kind: string;
}

export interface ApplyOptions {
  /**
   * Training mode: batch norm normalizes with the batch statistics and updates its running
   * statistics in `state`. Default false (inference: running statistics, nothing changes).
   * Models without batch norm behave the same in both modes.
   */
  readonly training?: boolean;
}

/** A differentiable model: named trainable variables and a pure forward function. */
export interface Model {
  /** The preset name if built from one, else the kind (`'mlp'`, `'resnet'`, ...). */
  readonly name: string;
  /** The config with every default filled in; `createModel(config)` rebuilds the same model. */
  readonly config: KindedConfig;
  /** Trainable variables, uniquely named `${prefix}/...`, in a fixed order. */
  readonly variables: readonly tf.Variable[];
  /** Non-trainable state (batch-norm running statistics), empty if none. */
  readonly state: readonly tf.Variable[];
  /** Forward pass; with training: true, batch norm uses batch statistics and updates `state`. */
  apply(x: tf.Tensor, options?: ApplyOptions): tf.Tensor;
  /** Number of trainable scalars. */
  readonly parameterCount: number;
  dispose(): void;

  /** The prefix of this model's variable names. */
  readonly prefix: string;
  /**
   * Every weight (trainable, then state) as float32 copies with names relative to the prefix.
   * Reads synchronously from the backend; use {@link readWeights} on GPU backends.
   */
  getWeights(): NamedWeight[];
  /** Like {@link getWeights}, without blocking the thread. */
  readWeights(): Promise<NamedWeight[]>;
  /**
   * Assigns every weight (trainable and state) from `weights`, matched by relative name. Throws a
   * `WeightsMismatchError` listing missing, unexpected and mis-shaped weights before changing
   * anything.
   */
  setWeights(weights: readonly NamedWeightInput[]): void;
}
