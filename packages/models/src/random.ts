import { rngFor } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A float32 tensor of N(0, 1) draws from `rngFor(seed, stream)` (@deltaclip/utils' sfc32), in
 * row-major order. Drawn in plain JS and uploaded, because tfjs's own seeded ops are not
 * guaranteed to agree across backends; initial weights and VAE noise come from here.
 */
export function seededNormal(shape: readonly number[], seed: number, stream = 'normal'): tf.Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return tf.tensor(rngFor(seed, stream).normalArray(size), [...shape], 'float32');
}
