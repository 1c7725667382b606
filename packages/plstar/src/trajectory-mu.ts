import * as tf from '@tensorflow/tfjs-core';
import { lossAndGradients, squaredNorm } from './gradients.js';
import type { LossFn } from './model.js';
import { type Distribution, distribution } from './statistics.js';

/** The PL* ratio at one point of a run. */
export interface TrajectoryMu {
  /** L(w), full batch. */
  readonly loss: number;
  /** ||grad L(w)||^2. */
  readonly gradNormSquared: number;
  /** ||grad L||^2 / (2 L): the largest mu with 0.5 ||grad L||^2 >= mu L here; null when L <= 0. */
  readonly mu: number | null;
}

/**
 * `mu_t = ||grad L(w_t)||^2 / (2 L(w_t))` from one full-batch loss and gradient evaluation (one
 * small device read). It is measured for the loss exactly as `lossFn` defines it: under another
 * square-loss convention mu scales like the loss (see `convertMu`). PL* normalization throughout:
 * `0.5 ||grad L||^2 >= mu L`, with inf L = 0 presumed (interpolation).
 */
export async function trajectoryMu(
  lossFn: LossFn,
  variables: readonly tf.Variable[],
): Promise<TrajectoryMu> {
  const packed = tf.tidy(() => {
    const { loss, grads } = lossAndGradients(lossFn, variables);
    return tf.stack([tf.cast(loss, 'float32'), squaredNorm(grads)]);
  });
  const [loss, gradNormSquared] = Array.from(await packed.data()) as [number, number];
  packed.dispose();
  return { loss, gradNormSquared, mu: loss > 0 ? gradNormSquared / (2 * loss) : null };
}

/** Min and distribution of mu_t over a run (null entries, where L = 0, are counted as missing). */
export function muDistribution(values: readonly (number | null)[]): Distribution | null {
  return distribution(values);
}
