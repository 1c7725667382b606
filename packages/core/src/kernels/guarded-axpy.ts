import * as tf from '@tensorflow/tfjs-core';
import { type GuardedAxpyAttrs, HOST_GUARDED_AXPY, kernelFor } from './host-memory.js';

/**
 * Name of the fused optimizer-update kernel `out = guard ? x + alpha * y : x`.
 *
 * Inputs: `x` (the variable), `y` (the update, same shape), `alpha` (float32 scalar), `guard`
 * (bool scalar); attr `inPlace` (x is a variable about to be assigned the result). Backends may
 * register a one-pass implementation under this name; core has its own for tfjs's cpu, wasm
 * (WebAssembly SIMD, in place) and webgl backends (./host-memory.ts, ./webgl.ts); elsewhere the
 * op falls back to tfjs ops. The fallback costs two more passes over memory when guarded
 * (tf.where broadcasts its condition), which is why the fused kernel exists: it makes a guarded
 * δ-GClip step about as cheap as an SGD step.
 */
export const GUARDED_AXPY = 'DeltaClipGuardedAxpy';

/**
 * x + alpha * y, or x unchanged where `guard` (bool scalar) is false, on any backend.
 *
 * With `inPlace`, x must be a variable's value that the caller assigns the result to at once
 * (`v.assign(guardedAxpy(v, ...))`): a kernel may then write into x's own buffer when nothing
 * else holds it (tfjs's reference count is 1, no gradient tape records), so the step allocates
 * nothing. Without it x is never written.
 */
export function guardedAxpy(
  x: tf.Tensor,
  y: tf.Tensor,
  alpha: tf.Scalar | undefined,
  guard: tf.Scalar | undefined,
  options: GuardedAxpyAttrs = {},
): tf.Tensor {
  const kernel = kernelFor(GUARDED_AXPY, HOST_GUARDED_AXPY, [x, y]);
  if (kernel !== undefined) {
    const inputs = { x, y, alpha: alpha ?? tf.scalar(1), guard: guard ?? tf.scalar(true, 'bool') };
    const attrs = { inPlace: options.inPlace === true };
    return tf
      .engine()
      .runKernel(
        kernel,
        inputs as unknown as tf.NamedTensorMap,
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
  }
  const next = tf.add(x, alpha === undefined ? y : tf.mul(y, alpha));
  return guard === undefined ? next : tf.where(guard, next, x);
}
