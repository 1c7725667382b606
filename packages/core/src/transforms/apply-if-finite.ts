import { requireOneOf } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteGradientError } from '../errors.js';
import { finiteFlags } from '../kernels/finite-flags.js';
import { selectByScalar } from '../kernels/select-by-scalar.js';
import { flattenState, zipState } from '../state.js';
import type { GradientTransformation, TransformState } from '../types.js';

/** What an optimizer does with a gradient that contains NaN or Infinity. */
export type NonFiniteMode = 'skip' | 'throw' | 'apply';
export const NON_FINITE_MODES: readonly NonFiniteMode[] = ['skip', 'throw', 'apply'];

interface GuardState {
  readonly [key: string]: TransformState;
  readonly inner: TransformState;
  /** Number of steps skipped so far (int32 scalar). */
  readonly skipped: tf.Tensor;
}

/**
 * Guard a transform against non-finite raw gradients (optax's apply_if_finite, plus modes):
 * - `'skip'`: the step leaves every variable and the inner state unchanged and counts as skipped.
 *   Decided on device, so it never syncs.
 * - `'throw'`: throws a {@link NonFiniteGradientError} naming the step and the first non-finite
 *   variable, before anything changes. Costs one read of a boolean per step.
 * - `'apply'`: no guard: the chain's own rule is applied to every entry, so non-finite values
 *   reach the variables. For δ-GClip and GClip this is the authors' code: a non-finite norm gives
 *   h = eta * min(1, delta) (see `deltaGClipScale`), finite entries move by h g and non-finite
 *   ones become NaN or Inf. The step is not reported as skipped and counts in the regimes.
 *
 * Finiteness is judged from the squared global norm, so a gradient whose norm overflows float32
 * (above about 1.8e19) counts as non-finite too.
 */
export function applyIfFinite(
  inner: GradientTransformation,
  mode: NonFiniteMode = 'skip',
): GradientTransformation {
  requireOneOf('nonFinite', mode, NON_FINITE_MODES);
  if (mode === 'apply') return inner;
  return {
    config: { kind: 'applyIfFinite', mode, inner: inner.config },
    init: (): GuardState => ({ inner: inner.init(), skipped: tf.scalar(0, 'int32') }),
    update(updates, rawState, context) {
      const state = rawState as GuardState;
      const { finite, notFinite } = finiteFlags(context.rawGlobalNorm());
      if (mode === 'throw') {
        if (finite.dataSync()[0] !== 1) {
          const firstBad = context.rawGradients.findIndex(
            (g) => tf.all(tf.isFinite(g)).dataSync()[0] !== 1,
          );
          const name = context.names[firstBad === -1 ? 0 : firstBad] ?? '?';
          throw new NonFiniteGradientError(context.step, name);
        }
        const result = inner.update(updates, state.inner, context);
        return { updates: result.updates, state: { inner: result.state, skipped: state.skipped } };
      }
      const result = inner.update(updates, state.inner, context);
      const keepInner =
        flattenState(result.state).length === 0
          ? result.state
          : zipState(result.state, state.inner, (next, prev) => selectByScalar(finite, next, prev));
      context.report({ skipped: notFinite });
      return {
        updates: result.updates.guardedBy(finite),
        state: { inner: keepInner, skipped: tf.add(state.skipped, tf.cast(notFinite, 'int32')) },
      };
    },
  };
}
