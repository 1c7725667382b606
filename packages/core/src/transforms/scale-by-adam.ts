import { requireInRange, requirePositive } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { slotState } from '../state.js';
import type { GradientTransformation, TransformState } from '../types.js';

export interface AdamOptions {
  /** Decay of the first-moment average, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment, > 0 (default 1e-7, as tf.train.adam). */
  epsilon?: number;
}

/** Per-variable tensors keyed by the variable's slot (see UpdateContext.slots). */
type Moments = { readonly [slot: string]: tf.Tensor };
interface AdamState {
  readonly [key: string]: TransformState;
  /** Number of updates applied so far (int32 scalar). */
  readonly count: tf.Tensor;
  readonly m: Moments;
  readonly v: Moments;
}

/**
 * Adam's direction (Kingma & Ba), as tf.train.adam computes it:
 *
 *     m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2,
 *     u = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * Follow with `scaleByLearningRate`. Moments are kept per variable slot (a variable first seen
 * later starts from zero) and the step count t as an integer, so a restored optimizer continues
 * bit for bit (tf.train.adam recomputes beta^t with pow on restore but multiplies while training).
 */
export function scaleByAdam(options: AdamOptions = {}): GradientTransformation {
  const beta1 = requireInRange('beta1', options.beta1 ?? 0.9, 0, 0.999999);
  const beta2 = requireInRange('beta2', options.beta2 ?? 0.999, 0, 0.999999);
  const epsilon = requirePositive('epsilon', options.epsilon ?? 1e-7);
  return {
    config: { kind: 'scaleByAdam', beta1, beta2, epsilon },
    init: (): AdamState => ({ count: tf.scalar(0, 'int32'), m: {}, v: {} }),
    update(updates, rawState, context) {
      const state = rawState as AdamState;
      const grads = updates.materialize();
      const count = tf.add(state.count, 1);
      const t = tf.cast(count, 'float32');
      const correction1 = tf.sub(1, tf.pow(beta1, t));
      const correction2 = tf.sub(1, tf.pow(beta2, t));
      const m: Record<string, tf.Tensor> = { ...state.m };
      const v: Record<string, tf.Tensor> = { ...state.v };
      const directions = grads.map((g, i) => {
        const slot = context.slots[i]!;
        const param = context.params[i]!;
        const mPrev = slotState(state.m, slot, param, 'Adam first moment');
        const vPrev = slotState(state.v, slot, param, 'Adam second moment');
        const mNext = tf.add(tf.mul(mPrev, beta1), tf.mul(g, 1 - beta1));
        const vNext = tf.add(tf.mul(vPrev, beta2), tf.mul(tf.square(g), 1 - beta2));
        m[slot] = mNext;
        v[slot] = vNext;
        return tf.div(
          tf.div(mNext, correction1),
          tf.add(tf.sqrt(tf.div(vNext, correction2)), epsilon),
        );
      });
      return { updates: updates.withTensors(directions), state: { count, m, v } };
    },
  };
}
