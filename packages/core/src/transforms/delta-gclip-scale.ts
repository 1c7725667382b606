import { requireNonNegative, requirePositive } from '@deltaclip/utils';
import { deltaGClipScalars, regimeOf } from '../kernels/delta-gclip-scalars.js';
import { EMPTY_STATE } from '../state.js';
import type { GradientTransformation } from '../types.js';

export { regimeOf };

export interface DeltaGClipScaleOptions {
  /** Clipping threshold on the gradient norm, > 0 (paper symbol gamma). */
  gamma: number;
  /** Floor of the relative step size, >= 0 (paper symbol delta); 0 gives plain GClip. */
  delta: number;
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
      const { scale, regime } = deltaGClipScalars(context.rawGlobalNorm(), gamma, delta);
      context.report({ clipScale: scale, regime });
      return { updates: updates.scaledBy(scale), state };
    },
  };
}
