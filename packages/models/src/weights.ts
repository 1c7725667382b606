/**
 * One weight of a model as plain data: what `getWeights()` returns and `setWeights()` takes.
 * `name` is relative to the model's prefix (`dense0/kernel`, not `mlp/dense0/kernel`), so a
 * checkpoint loads into a model with any prefix.
 */
export interface NamedWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
  /** false for non-trainable state (batch-norm running statistics). */
  readonly trainable: boolean;
}

/** What `setWeights` accepts: `values` may be any array of numbers; `trainable` is ignored. */
export interface NamedWeightInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
  readonly trainable?: boolean;
}
