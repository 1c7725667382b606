import type { SquareLossConvention } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { LossSpec } from './objectives.js';
import type { Task } from './task.js';

/** The whole training set as one batch, with the run's loss over it. */
export interface FullBatch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  /**
   * L(w) on the whole training set, in inference mode: the total for sum-reduced square losses,
   * the mean over samples otherwise (which is the full-batch training loss for mean reductions).
   */
  readonly lossFn: () => tf.Scalar;
  /** The square-loss convention for PL* analysis, or null when the loss is not a square loss. */
  readonly convention: SquareLossConvention | null;
  dispose(): void;
}

/**
 * What PL* analysis, calibration and `deltaclip analyze` measure: the training set as tensors
 * and the loss over it (one definition, so all three agree on L and its constants).
 */
export function fullBatch(task: Task, loss: LossSpec): FullBatch {
  const { x, y } = task.train.toTensors({ labels: task.labels });
  const square = loss.kind === 'square';
  const total = square && loss.reduction === 'sum';
  return {
    x,
    y,
    lossFn: () =>
      tf.tidy(() => {
        const sums = task.objective.metricSums(task.model, { x, y });
        return tf.mul(sums.loss!, total ? 1 : 1 / task.train.size) as tf.Scalar;
      }),
    convention: square ? { reduction: loss.reduction ?? 'mean', half: loss.half ?? false } : null,
    dispose: () => tf.dispose([x, y]),
  };
}

/**
 * What plstar's `analyzePlStar` and `createPlStarMonitor` take for a task's full batch: the model,
 * the data, the run's own loss and its name, and the square-loss convention when there is one
 * (without it plstar skips the tangent-kernel bound and says why).
 */
export function analysisInputs(task: Task, data: FullBatch) {
  return {
    model: task.model,
    x: data.x,
    y: data.y,
    ...(data.convention ? { squareLoss: data.convention } : {}),
    lossFn: data.lossFn,
    lossName: task.objective.name,
  };
}
