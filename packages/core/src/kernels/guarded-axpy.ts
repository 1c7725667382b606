import * as tf from '@tensorflow/tfjs-core';
import { HOST_GUARDED_AXPY, kernelFor } from './host-memory.js';

/**
 * Name of the fused optimizer-update kernel `out = guard ? x + alpha * y : x`.
 *
 * Inputs: `x` (the variable), `y` (the update, same shape), `alpha` (float32 scalar), `guard`
 * (bool scalar). Backends may register a one-pass implementation under this name (the
 * @deltaclip/backend adapters do for cpu and wasm, with SIMD on wasm); on tfjs's own cpu and wasm
 * backends without them core uses its own one-pass kernel (./host-memory.ts); elsewhere the op falls
 * back to tfjs ops.
 * The fallback costs two more passes over memory when guarded (tf.where broadcasts its condition),
 * which is why the fused kernel exists: it makes a guarded δ-GClip step about as cheap as an SGD step.
 */
export const GUARDED_AXPY = 'DeltaClipGuardedAxpy';

/** x + alpha * y, or x unchanged where `guard` (bool scalar) is false, on any backend. */
export function guardedAxpy(
  x: tf.Tensor,
  y: tf.Tensor,
  alpha: tf.Scalar | undefined,
  guard: tf.Scalar | undefined,
): tf.Tensor {
  const kernel = kernelFor(GUARDED_AXPY, HOST_GUARDED_AXPY, [x, y]);
  if (kernel !== undefined) {
    const inputs = { x, y, alpha: alpha ?? tf.scalar(1), guard: guard ?? tf.scalar(true, 'bool') };
    return tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap) as tf.Tensor;
  }
  const next = tf.add(x, alpha === undefined ? y : tf.mul(y, alpha));
  return guard === undefined ? next : tf.where(guard, next, x);
}
