/**
 * The inputs of a 2-D set's model, as TensorFlow Playground offers them: the coordinates and the
 * functions x1², x2², x1·x2, sin x1, sin x2 of them. The race maps every batch, the full and
 * test sets and the heatmap grid through the same function, so the model never sees raw points
 * and the heatmap shows what it learnt from the chosen inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureId } from '../state/settings.js';

/** One input from the coordinates (plain numbers: the reference the tensor version is tested on). */
export function featureValue(feature: FeatureId, x1: number, x2: number): number {
  switch (feature) {
    case 'x1':
      return x1;
    case 'x2':
      return x2;
    case 'x1sq':
      return x1 * x1;
    case 'x2sq':
      return x2 * x2;
    case 'x1x2':
      return x1 * x2;
    case 'sinx1':
      return Math.sin(x1);
    case 'sinx2':
      return Math.sin(x2);
  }
}

/** Whether the chosen inputs are the plain coordinates (then nothing needs mapping). */
export function isIdentity(features: readonly FeatureId[]): boolean {
  return features.length === 2 && features[0] === 'x1' && features[1] === 'x2';
}

/** Rows (x1, x2) mapped to rows of the chosen inputs, in the order given. */
export function featureTensor(x: tf.Tensor2D, features: readonly FeatureId[]): tf.Tensor2D {
  return tf.tidy(() => {
    const x1 = tf.slice(x, [0, 0], [-1, 1]);
    const x2 = tf.slice(x, [0, 1], [-1, 1]);
    const column = (f: FeatureId): tf.Tensor => {
      switch (f) {
        case 'x1':
          return x1;
        case 'x2':
          return x2;
        case 'x1sq':
          return tf.square(x1);
        case 'x2sq':
          return tf.square(x2);
        case 'x1x2':
          return tf.mul(x1, x2);
        case 'sinx1':
          return tf.sin(x1);
        case 'sinx2':
          return tf.sin(x2);
      }
    };
    return tf.concat(features.map(column), 1) as tf.Tensor2D;
  });
}
