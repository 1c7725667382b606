/**
 * @deltaclip/core — δ-GClip and composable gradient transforms for TensorFlow.js.
 *
 * Ready optimizers: {@link deltaGClip}, {@link gClip} (the one GClip), {@link deltaGClipPerTensor},
 * {@link sgd}, {@link momentum}, {@link adam}, all rebuilt from `{ className, config }` by
 * {@link optimizerFromConfig}. Building blocks: the transforms (`chain`, `clipByGlobalNorm`,
 * `deltaGClipScale`, ...), the schedules and {@link TransformOptimizer}. What the backend adapters
 * need beyond this (kernel names, `Updates`, state helpers, `descentChain`) is in
 * `@deltaclip/core/internal`.
 */
export { NonFiniteGradientError, OptimizerStateError } from './errors.js';
export { globalNorm, sumOfSquares, tensorNorm } from './norms.js';
export {
  type RegimeCounts,
  type StepTelemetry,
  Telemetry,
  type TelemetryOptions,
} from './optimizer/telemetry.js';
export { TransformOptimizer } from './optimizer/transform-optimizer.js';
export type { DescentOptions } from './optimizers/configured-optimizer.js';
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
export type { Schedule, ScheduleConfig } from './schedules/schedule.js';
export {
  type CosineOptions,
  constantSchedule,
  cosineSchedule,
  joinSchedules,
  type LinearWarmupOptions,
  linearWarmupSchedule,
  productSchedule,
  type StepDecayOptions,
  scheduleFromConfig,
  stepDecaySchedule,
} from './schedules/schedules.js';
export { canonicalClassName } from './serialization.js';
export { addDecayedWeights } from './transforms/add-decayed-weights.js';
export {
  applyIfFinite,
  NON_FINITE_MODES,
  type NonFiniteMode,
} from './transforms/apply-if-finite.js';
export { chain } from './transforms/chain.js';
export { clipByGlobalNorm } from './transforms/clip-by-global-norm.js';
export { deltaGClipPerTensorScale } from './transforms/delta-gclip-per-tensor-scale.js';
export { type DeltaGClipScaleOptions, deltaGClipScale } from './transforms/delta-gclip-scale.js';
export { registerTransform } from './transforms/registry.js';
export { type AdamOptions, scaleByAdam } from './transforms/scale-by-adam.js';
export { scaleByLearningRate } from './transforms/scale-by-learning-rate.js';
export { type MomentumOptions, scaleByMomentum } from './transforms/scale-by-momentum.js';
export {
  type GradientTransformation,
  REGIMES,
  type Regime,
  type StepReport,
  type TransformConfig,
  type TransformResult,
  type TransformState,
  type UpdateContext,
} from './types.js';
