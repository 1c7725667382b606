import type * as tf from '@tensorflow/tfjs-core';

/**
 * A model as plstar sees it: its variables and a forward function. Structurally the `Model`
 * interface of @deltaclip/models, so any model from there (or your own) fits.
 */
export interface PlStarModel {
  readonly variables: readonly tf.Variable[];
  apply(x: tf.Tensor, options?: { training?: boolean }): tf.Tensor;
}

/** A scalar loss over the variables, recomputed on each call (it is differentiated). */
export type LossFn = () => tf.Scalar;
