/**
 * @deltaclip/core — δ-GClip and composable gradient transforms for TensorFlow.js.
 *
 * Ready optimizers: {@link deltaGClip}, {@link gClip}, {@link deltaGClipPerTensor},
 * {@link withGlobalNormClipping}. Building blocks: the transforms (`chain`, `clipByGlobalNorm`,
 * `deltaGClipScale`, ...), the schedules and {@link TransformOptimizer}.
 */
export { NonFiniteGradientError } from './errors.js';
export { GUARDED_AXPY, guardedAxpy } from './kernels/guarded-axpy.js';
export { SELECT_BY_SCALAR, selectByScalar } from './kernels/select-by-scalar.js';
export { SUM_OF_SQUARES } from './kernels/sum-of-squares.js';
export { globalNorm, sumOfSquares, tensorNorm } from './norms.js';
export { resolveGradients, type VariableGradient } from './optimizer/gradients.js';
export {
  type RegimeCounts,
  type StepTelemetry,
  Telemetry,
  type TelemetryOptions,
} from './optimizer/telemetry.js';
export { TransformOptimizer } from './optimizer/transform-optimizer.js';
export {
  ConfiguredOptimizer,
  type DescentConfig,
  type DescentOptions,
  descentChain,
  resolveDescent,
} from './optimizers/configured-optimizer.js';
export {
  type ClippedSgdOptions,
  type DeltaGClipConfig,
  DeltaGClipOptimizer,
  type DeltaGClipOptions,
  DeltaGClipPerTensorOptimizer,
  deltaGClip,
  deltaGClipPerTensor,
  GClipOptimizer,
  gClip,
} from './optimizers/delta-gclip.js';
export {
  AdamOptimizer,
  type AdamOptimizerOptions,
  adam,
  type ClippableOptions,
  MomentumOptimizer,
  type MomentumOptimizerOptions,
  momentum,
  SgdOptimizer,
  sgd,
} from './optimizers/descent.js';
export { type OptimizerConfig, optimizerFromConfig } from './optimizers/optimizer-from-config.js';
export {
  GlobalNormClippedOptimizer,
  type GlobalNormClippingOptions,
  withGlobalNormClipping,
} from './optimizers/with-global-norm-clipping.js';
export type { Schedule, ScheduleConfig } from './schedules/schedule.js';
export {
  type CosineOptions,
  constant,
  cosine,
  join,
  type LinearWarmupOptions,
  linearWarmup,
  product,
  type StepDecayOptions,
  scheduleFromConfig,
  stepDecay,
} from './schedules/schedules.js';
export { EMPTY_STATE, flattenState, mapState, restoreState, slotState } from './state.js';
export { addDecayedWeights } from './transforms/add-decayed-weights.js';
export {
  applyIfFinite,
  NON_FINITE_MODES,
  type NonFiniteMode,
} from './transforms/apply-if-finite.js';
export { chain } from './transforms/chain.js';
export { clipByGlobalNorm, updatesGlobalNorm } from './transforms/clip-by-global-norm.js';
export { deltaGClipPerTensorScale } from './transforms/delta-gclip-per-tensor-scale.js';
export { type DeltaGClipScaleOptions, deltaGClipScale } from './transforms/delta-gclip-scale.js';
export { registerTransform, transformFromConfig } from './transforms/registry.js';
export { type AdamOptions, scaleByAdam } from './transforms/scale-by-adam.js';
export { scaleByLearningRate } from './transforms/scale-by-learning-rate.js';
export { type MomentumOptions, scaleByMomentum } from './transforms/scale-by-momentum.js';
export {
  type GradientTransformation,
  REGIME_CODE,
  REGIMES,
  type Regime,
  type StepReport,
  type TransformConfig,
  type TransformResult,
  type TransformState,
  type UpdateContext,
} from './types.js';
export { Updates } from './updates.js';
export {
  requireFiniteNumber,
  requireInRange,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requirePositive,
} from './validate.js';
