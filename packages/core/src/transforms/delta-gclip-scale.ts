import { requireNonNegative, requirePositive } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { selectByScalar } from '../kernels/select-by-scalar.js';
import { EMPTY_STATE } from '../state.js';
import { type GradientTransformation, REGIME_CODE } from '../types.js';

export interface DeltaGClipScaleOptions {
  /** Clipping threshold on the gradient norm, > 0 (paper symbol gamma). */
  gamma: number;
  /** Floor of the relative step size, >= 0 (paper symbol delta); 0 gives plain GClip. */
  delta: number;
}

/**
 * Regime code of a step from the ratio r = gamma/||g||, consistent with
 * s = min(1, max(delta, r)): unclipped when s = 1, floored when the floor delta (< 1) is above r,
 * clipped otherwise. Works elementwise, so it serves the per-tensor variant too.
 *
 * With the codes unclipped 0, clipped 1, floored 2 and delta < 1, the code is the number of the
 * thresholds [1, delta] that r lies below: three dispatches for a scalar r, where a chain of
 * where()s costs a dozen (each broadcasts its three inputs first).
 */
export function regimeOf(ratio: tf.Tensor, delta: number): tf.Tensor {
  return tf.tidy(() => {
    if (delta >= 1) return tf.zeros(ratio.shape, 'int32');
    const thresholds = tf.tensor1d([1, delta]);
    const column = ratio.rank === 0 ? ratio : tf.expandDims(ratio, -1);
    return tf.sum(tf.cast(tf.less(column, thresholds), 'int32'), -1);
  });
}

/**
 * The δ-GClip step-size scale (Tucat et al., TMLR 2025):
 *
 *     s = min(1, max(delta, gamma / ||g||)),   so   h = eta * s  lies in [eta*delta, eta]
 *
 * where ||g|| is the L2 norm of the RAW loss gradient over every variable together, whatever
 * earlier transforms did to the updates (so coupled weight decay placed before it keeps the
 * paper's semantics: w <- w - h (g + lambda w) with h from ||g||). As in the paper's code a zero
 * gradient gives s = 0: no step, weight decay included; the step is reported as skipped.
 *
 * A NaN or infinite norm gives s = min(1, delta), which is what the authors' code computes
 * (`max(delta, gamma / nan)` keeps delta; `gamma / inf` is 0). Behind the optimizers' default
 * guard such a step never reaches the variables; with `nonFinite: 'apply'` it does, exactly as in
 * the authors' code: every finite entry moves by h g, every non-finite one becomes NaN or Inf.
 *
 * @example
 * chain(deltaGClipScale({ gamma: 0.25, delta: 1e-3 }), scaleByLearningRate(5))
 */
export function deltaGClipScale(options: DeltaGClipScaleOptions): GradientTransformation {
  const gamma = requirePositive('gamma', options.gamma);
  const delta = requireNonNegative('delta', options.delta);
  return {
    config: { kind: 'deltaGClipScale', gamma, delta },
    init: () => EMPTY_STATE,
    update(updates, state, context) {
      const norm = context.rawGlobalNorm();
      const zero = tf.equal(norm, 0) as tf.Scalar;
      // Scalar selects, not tf.where: one dispatch each (see selectByScalar).
      const ratio = selectByScalar(
        tf.isNaN(norm) as tf.Scalar,
        tf.scalar(0),
        tf.div(gamma, norm),
      ) as tf.Scalar;
      // min(1, max(delta, r)) in one op; r is never NaN here, and gamma / 0 = Infinity gives 1.
      const clamped = delta >= 1 ? tf.scalar(1) : tf.clipByValue(ratio, delta, 1);
      const scale = selectByScalar(zero, tf.scalar(0), clamped) as tf.Scalar;
      const regime = selectByScalar(
        zero,
        tf.scalar(REGIME_CODE.skipped, 'int32'),
        regimeOf(ratio, delta),
      ) as tf.Scalar;
      context.report({ clipScale: scale, regime });
      return { updates: updates.scaledBy(scale), state };
    },
  };
}
