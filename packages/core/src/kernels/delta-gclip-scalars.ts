import * as tf from '@tensorflow/tfjs-core';
import { REGIME_CODE } from '../types.js';
import { HOST_DELTA_GCLIP_SCALARS, kernelFor } from './host-memory.js';
import type { DeltaGClipScalarsAttrs } from './scalars-of.js';
import { selectByScalar } from './select-by-scalar.js';

/**
 * Name of the kernel that turns the global gradient norm into δ-GClip's two per-step scalars:
 * input `norm` (float32 scalar), attrs `gamma`, `delta`; outputs the scale
 * s = min(1, max(delta, gamma / norm)) (0 for a zero norm; min(1, delta) for a NaN or infinite
 * one) as float32 and the regime code (see REGIME_CODE) as int32.
 *
 * Ten scalar ops otherwise, each a dispatch: on the host-memory backends that is a fixed cost a
 * small step feels, and on webgl each one is a shader run. Core's own kernels compute both on the
 * host (cpu, wasm: the norm is in host memory, reading it is no sync) or in two one-fragment
 * shaders (webgl); elsewhere {@link deltaGClipScalars} runs the ops.
 */
export const DELTA_GCLIP_SCALARS = 'DeltaClipDeltaGClipScalars';

/** Regime codes of ratios, elementwise (the op form of `regimeCode` in ./scalars-of.ts). */
export function regimeOf(ratio: tf.Tensor, delta: number): tf.Tensor {
  return tf.tidy(() => {
    if (delta >= 1) return tf.zeros(ratio.shape, 'int32');
    // The code is the number of the thresholds [1, delta] that r lies below.
    const thresholds = tf.tensor1d([1, delta]);
    const column = ratio.rank === 0 ? ratio : tf.expandDims(ratio, -1);
    return tf.sum(tf.cast(tf.less(column, thresholds), 'int32'), -1);
  });
}

/** δ-GClip's scale (float32) and regime (int32) from the global norm, by the cheapest kernel. */
export function deltaGClipScalars(
  norm: tf.Scalar,
  gamma: number,
  delta: number,
): { scale: tf.Scalar; regime: tf.Scalar } {
  const kernel = kernelFor(DELTA_GCLIP_SCALARS, HOST_DELTA_GCLIP_SCALARS, [norm]);
  if (kernel !== undefined) {
    const attrs: DeltaGClipScalarsAttrs = { gamma, delta };
    const [scale, regime] = tf
      .engine()
      .runKernel(kernel, { norm }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return { scale: scale as tf.Scalar, regime: regime as tf.Scalar };
  }
  const zero = tf.equal(norm, 0) as tf.Scalar;
  // Scalar selects, not tf.where: one dispatch each (see selectByScalar).
  const ratio = selectByScalar(
    tf.isNaN(norm) as tf.Scalar,
    tf.scalar(0),
    tf.div(gamma, norm),
  ) as tf.Scalar;
  // min(1, max(delta, r)) in one op; r is never NaN here, and gamma / 0 = Infinity gives 1.
  const clamped = delta >= 1 ? tf.scalar(1) : tf.clipByValue(ratio, delta, 1);
  return {
    scale: selectByScalar(zero, tf.scalar(0), clamped) as tf.Scalar,
    regime: selectByScalar(
      zero,
      tf.scalar(REGIME_CODE.skipped, 'int32'),
      regimeOf(ratio, delta),
    ) as tf.Scalar,
  };
}
