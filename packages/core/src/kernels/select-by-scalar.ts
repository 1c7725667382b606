import * as tf from '@tensorflow/tfjs-core';
import { HOST_SELECT_BY_SCALAR, kernelFor } from './host-memory.js';

/**
 * Name of the kernel `out = condition ? a : b` for a bool SCALAR condition and same-shape a, b.
 * tf.where broadcasts every input to the common shape first (for tensors, a Tile of the
 * condition then a Select: two passes, and on tfjs-backend-wasm 4.22 a slow Tile; for scalars,
 * three Identity dispatches before the Select). Where tensors live in host memory (cpu, wasm)
 * core's kernel (./host-memory.ts, also registered under this name by the @deltaclip/backend
 * adapters) returns a or b itself, without touching the data; on webgl core's shader selects in
 * one pass (./webgl.ts); elsewhere {@link selectByScalar} falls back to tf.where.
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
  // Scalars of one dtype need no broadcast: tfjs's Select itself, one dispatch instead of four.
  if (a.rank === 0 && condition.rank === 0 && a.dtype === b.dtype && condition.dtype === 'bool') {
    return tf.engine().runKernel(tf.Select, { condition, t: a, e: b }) as tf.Tensor;
  }
  return tf.where(condition, a, b);
}
