import { requireNonNegative, requirePositive } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { EMPTY_STATE } from '../state.js';
import { type GradientTransformation, REGIME_CODE } from '../types.js';
import type { DeltaGClipScaleOptions } from './delta-gclip-scale.js';
import { regimeOf } from './delta-gclip-scale.js';

/**
 * Per-tensor δ-GClip scale (the authors' "deltaGClip_c" heuristic): variable i is scaled by
 * s_i = min(1, max(delta, gamma / ||g_i||)) using the norm of its OWN raw gradient. A variable
 * whose gradient norm is 0 or not finite is left unchanged (s_i = 0). The paper's convergence
 * theory covers the global form ({@link deltaGClipScale}), not this one.
 *
 * Telemetry: clipScale is the smallest s_i among updated variables and the regime the most
 * restrictive one among them (floored > clipped > unclipped); skipped when none was updated.
 */
export function deltaGClipPerTensorScale(options: DeltaGClipScaleOptions): GradientTransformation {
  const gamma = requirePositive('gamma', options.gamma);
  const delta = requireNonNegative('delta', options.delta);
  return {
    config: { kind: 'deltaGClipPerTensorScale', gamma, delta },
    init: () => EMPTY_STATE,
    update(updates, state, context) {
      const norms = context.rawTensorNorms();
      if (norms.length === 0) return { updates, state };
      const normVec = tf.stack(norms as tf.Scalar[]) as tf.Tensor1D;
      const updated = tf.logicalAnd(tf.greater(normVec, 0), tf.isFinite(normVec));
      const ratio = tf.div(gamma, normVec);
      const scales = tf.where(
        updated,
        tf.minimum(1, tf.maximum(delta, ratio)),
        tf.zerosLike(normVec),
      );
      const codes = tf.where(updated, regimeOf(ratio, delta), tf.fill([norms.length], -1, 'int32'));
      const worst = tf.max(codes);
      const regime = tf.where(
        tf.less(worst, 0),
        tf.scalar(REGIME_CODE.skipped, 'int32'),
        worst,
      ) as tf.Scalar;
      const smallest = tf.min(tf.where(updated, scales, tf.fill([norms.length], Infinity)));
      const clipScale = tf.where(tf.isFinite(smallest), smallest, tf.scalar(0)) as tf.Scalar;
      context.report({ clipScale, regime });
      const perTensor = tf.unstack(scales) as tf.Scalar[];
      return { updates: updates.scaledPerTensor(perTensor), state };
    },
  };
}
