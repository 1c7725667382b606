import type { Batch } from '@deltaclip/datasets';
import type { Model } from '@deltaclip/models';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * What a run minimizes and how it is evaluated. `loss` runs inside the gradient tape;
 * `metricSums` returns per-batch SUMS over samples (inference mode), which evaluation adds up and
 * divides by the number of samples, so every split is averaged the same way whatever its batch
 * count (the paper's public code divided by the wrong batch count once; paper-notes section 4).
 */
export interface Objective {
  readonly name: string;
  /** Scalar training loss of a batch; `step` seeds any noise (VAE sampling), so runs replay exactly. */
  loss(model: Model, batch: Batch, step: number): tf.Scalar;
  /** Sums over the batch's samples of each metric (e.g. loss, accuracy, mse). */
  metricSums(model: Model, batch: Batch): Record<string, tf.Scalar>;
}
