import { requireNonNegative } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { EMPTY_STATE } from '../state.js';
import type { GradientTransformation } from '../types.js';

/**
 * Add `lambda * w` to the updates: u_i <- u_i + lambda * w_i (L2 weight decay).
 *
 * Where it sits in a chain decides its meaning:
 * - before a clipping scale (coupled, the paper's code): w <- w - h (g + lambda w), h from ||g||;
 * - after clipping, before the learning rate (decoupled, as AdamW): w <- w - eta (s g + lambda w).
 *
 * @param lambda the decay coefficient, >= 0. 0 returns the updates untouched.
 */
export function addDecayedWeights(lambda: number): GradientTransformation {
  requireNonNegative('weightDecay', lambda);
  return {
    config: { kind: 'addDecayedWeights', lambda },
    init: () => EMPTY_STATE,
    update(updates, state, context) {
      if (lambda === 0) return { updates, state };
      const values = updates.materialize();
      const decayed = values.map((u, i) => tf.add(u, tf.mul(context.params[i]!, lambda)));
      return { updates: updates.withTensors(decayed), state };
    },
  };
}
