import * as tf from '@tensorflow/tfjs-core';
import { HOST_SELECT_BY_SCALAR, kernelFor } from './host-memory.js';

/**
 * Name of the kernel `out = condition ? a : b` for a bool SCALAR condition and same-shape a, b.
 * tf.where broadcasts a scalar condition to the full shape first (a Tile, then a Select: two
 * passes, and on tfjs-backend-wasm 4.22 a slow Tile). Where tensors live in host memory (cpu,
 * wasm) the @deltaclip/backend adapters register a kernel that returns a or b itself, without
 * touching the data, and so does core itself on tfjs's own cpu and wasm backends
 * (./host-memory.ts); elsewhere {@link selectByScalar} falls back to tf.where.
 */
export const SELECT_BY_SCALAR = 'DeltaClipSelectByScalar';

/** `condition ? a : b` for a bool scalar condition, by the cheapest kernel of the backend. */
export function selectByScalar(condition: tf.Scalar, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new RangeError(
      `selectByScalar needs tensors of one shape (got [${a.shape}] and [${b.shape}])`,
    );
  }
  const kernel = kernelFor(SELECT_BY_SCALAR, HOST_SELECT_BY_SCALAR, [condition]);
  if (kernel !== undefined) return tf.engine().runKernel(kernel, { condition, a, b }) as tf.Tensor;
  return tf.where(condition, a, b);
}
