import { requireInRange } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { slotState } from '../state.js';
import type { GradientTransformation, TransformState } from '../types.js';

export interface MomentumOptions {
  /** Momentum coefficient mu, in [0, 1) (default 0.9). */
  momentum?: number;
  /** Nesterov's variant (default false). */
  nesterov?: boolean;
}

interface MomentumState {
  readonly [key: string]: TransformState;
  readonly velocity: { readonly [slot: string]: tf.Tensor };
}

/**
 * Heavy-ball momentum as tf.train.momentum computes it: a <- mu a + g, then u = a, or
 * u = g + mu a with Nesterov. Follow with `scaleByLearningRate`. The velocity is kept per variable
 * slot (see UpdateContext.slots) and starts at zero.
 */
export function scaleByMomentum(options: MomentumOptions = {}): GradientTransformation {
  const momentum = requireInRange('momentum', options.momentum ?? 0.9, 0, 0.999999);
  const nesterov = options.nesterov ?? false;
  return {
    config: { kind: 'scaleByMomentum', momentum, nesterov },
    init: (): MomentumState => ({ velocity: {} }),
    update(updates, rawState, context) {
      const state = rawState as MomentumState;
      const grads = updates.materialize();
      const velocity: Record<string, tf.Tensor> = { ...state.velocity };
      const directions = grads.map((g, i) => {
        const slot = context.slots[i]!;
        const previous = slotState(state.velocity, slot, context.params[i]!, 'Momentum velocity');
        const next = tf.add(tf.mul(previous, momentum), g);
        velocity[slot] = next;
        return nesterov ? tf.add(g, tf.mul(next, momentum)) : next;
      });
      return { updates: updates.withTensors(directions), state: { velocity } };
    },
  };
}
