import type { GradientTransformation, TransformConfig, TransformState } from '../types.js';

/**
 * Compose transforms left to right: the updates of each feed the next.
 *
 * @example
 * // Coupled weight decay as in the paper's code, then δ-GClip, then the learning rate:
 * chain(addDecayedWeights(1e-4), deltaGClipScale({ gamma: 0.25, delta: 1e-3 }), scaleByLearningRate(5))
 */
export function chain(
  ...transforms: readonly GradientTransformation[]
): GradientTransformation<TransformState[]> {
  const config: TransformConfig = { kind: 'chain', transforms: transforms.map((t) => t.config) };
  return {
    config,
    init: () => transforms.map((t) => t.init()),
    update(updates, state, context) {
      let current = updates;
      const next: TransformState[] = [];
      transforms.forEach((transform, i) => {
        const result = transform.update(current, state[i]!, context);
        current = result.updates;
        next.push(result.state);
      });
      return { updates: current, state: next };
    },
  };
}
