import { requirePositive } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { globalNorm } from '../norms.js';
import { EMPTY_STATE } from '../state.js';
import type { GradientTransformation, UpdateContext } from '../types.js';
import type { Updates } from '../updates.js';

/**
 * L2 norm of the updates as they stand, reusing the step's memoized raw-gradient norm when the
 * updates are still the raw gradients times one scalar (no extra pass over memory).
 */
export function updatesGlobalNorm(updates: Updates, context: UpdateContext): tf.Scalar {
  if (updates.tensors === context.rawGradients && !Array.isArray(updates.factor)) {
    const base = context.rawGlobalNorm();
    const f = updates.factor as tf.Scalar | undefined;
    return f === undefined ? base : (tf.mul(base, tf.abs(f)) as tf.Scalar);
  }
  return globalNorm(updates.materialize());
}

/**
 * Clip the updates to global L2 norm at most `maxNorm`: u <- u * min(1, maxNorm / ||u||),
 * with ||u|| taken over all tensors together (Keras `global_clipnorm`, optax
 * `clip_by_global_norm`). A zero update is left as is.
 *
 * Reports regime `unclipped` or `clipped` and the scale for telemetry.
 *
 * @param maxNorm the largest allowed global norm, > 0.
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation {
  requirePositive('maxNorm', maxNorm);
  return {
    config: { kind: 'clipByGlobalNorm', maxNorm },
    init: () => EMPTY_STATE,
    update(updates, state, context) {
      const norm = updatesGlobalNorm(updates, context);
      // maxNorm / 0 = Infinity, so a zero update keeps scale 1.
      const scale = tf.minimum(1, tf.div(maxNorm, norm)) as tf.Scalar;
      const clipped = tf.less(scale, 1);
      context.report({ clipScale: scale, regime: tf.cast(clipped, 'int32') as tf.Scalar });
      return { updates: updates.scaledBy(scale), state };
    },
  };
}
