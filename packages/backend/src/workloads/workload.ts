import * as tf from '@tensorflow/tfjs-core';

/** A model with its training data: trainable variables, fixed batches and the loss of a batch. */
export interface Workload {
  readonly variables: tf.Variable[];
  readonly batches: number;
  readonly batchSize: number;
  /** Loss of batch `index` (a scalar, built inside the caller's tidy/minimize). */
  loss(index: number): tf.Scalar;
  dispose(): void;
}

/** Owns tensors created for a workload so that one dispose releases them all. */
export class TensorPool {
  private readonly tensors: tf.Tensor[] = [];

  keep<T extends tf.Tensor>(t: T): T {
    this.tensors.push(t);
    return t;
  }

  dispose(): void {
    for (const t of this.tensors) t.dispose();
    this.tensors.length = 0;
  }
}

/** A trainable variable holding `values` (the initial tensor is released, unlike tf.variable's). */
export function variableOf<R extends tf.Rank = tf.Rank>(
  values: Float32Array,
  shape: number[] = [values.length],
): tf.Variable<R> {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape))) as unknown as tf.Variable<R>;
}
