import { OptimizerStateError } from '../errors.js';
import type { ScheduleConfig } from '../schedules/schedule.js';
import { scheduleFromConfig } from '../schedules/schedules.js';
import type { GradientTransformation, TransformConfig } from '../types.js';
import { addDecayedWeights } from './add-decayed-weights.js';
import { applyIfFinite, type NonFiniteMode } from './apply-if-finite.js';
import { chain } from './chain.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { deltaGClipPerTensorScale } from './delta-gclip-per-tensor-scale.js';
import { deltaGClipScale } from './delta-gclip-scale.js';
import { scaleByAdam } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { scaleByMomentum } from './scale-by-momentum.js';

/** Rebuilds a transform from its config; `rebuild` rebuilds nested configs (for combinators). */
type Builder = (
  config: TransformConfig,
  rebuild: (config: TransformConfig) => GradientTransformation,
) => GradientTransformation;

// The built-in kinds live in this table rather than being registered by each transform's module
// when it loads: bundlers drop modules whose exports go unused (core is `sideEffects`-free there),
// so self-registration left a bundled app unable to deserialize any optimizer.
const BUILT_IN: Readonly<Record<string, Builder>> = {
  chain: (c, rebuild) => chain(...(c.transforms as TransformConfig[]).map(rebuild)),
  applyIfFinite: (c, rebuild) =>
    applyIfFinite(rebuild(c.inner as TransformConfig), c.mode as NonFiniteMode),
  addDecayedWeights: (c) => addDecayedWeights(c.lambda as number),
  clipByGlobalNorm: (c) => clipByGlobalNorm(c.maxNorm as number),
  deltaGClipScale: (c) => deltaGClipScale({ gamma: c.gamma as number, delta: c.delta as number }),
  deltaGClipPerTensorScale: (c) =>
    deltaGClipPerTensorScale({ gamma: c.gamma as number, delta: c.delta as number }),
  scaleByAdam: (c) =>
    scaleByAdam({
      beta1: c.beta1 as number,
      beta2: c.beta2 as number,
      epsilon: c.epsilon as number,
    }),
  scaleByLearningRate: (c) =>
    scaleByLearningRate(c.learningRate as number, scheduleFromConfig(c.schedule as ScheduleConfig)),
  scaleByMomentum: (c) =>
    scaleByMomentum({ momentum: c.momentum as number, nesterov: c.nesterov as boolean }),
};

const custom = new Map<string, (config: TransformConfig) => GradientTransformation>();

/**
 * Register how to rebuild a custom transform from its config, to make chains that contain it
 * serializable. The built-in transforms need no registration; their kinds cannot be replaced.
 */
export function registerTransform(
  kind: string,
  build: (config: TransformConfig) => GradientTransformation,
): void {
  if (Object.hasOwn(BUILT_IN, kind)) {
    throw new RangeError(`transform kind '${kind}' is built in and cannot be re-registered`);
  }
  custom.set(kind, build);
}

/** Rebuild a transform from the `config` of an existing one (for getConfig/fromConfig). */
export function transformFromConfig(config: TransformConfig): GradientTransformation {
  const builtIn = Object.hasOwn(BUILT_IN, config.kind) ? BUILT_IN[config.kind] : undefined;
  if (builtIn !== undefined) return builtIn(config, transformFromConfig);
  const build = custom.get(config.kind);
  if (build === undefined) {
    const known = [...Object.keys(BUILT_IN), ...custom.keys()].sort().join(', ');
    throw new OptimizerStateError(
      `Unknown transform kind '${config.kind}'. Known kinds: ${known}. ` +
        'Call registerTransform(kind, build) for custom transforms before deserializing.',
    );
  }
  return build(config);
}
