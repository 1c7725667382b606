/**
 * @deltaclip/core/internal — what the backend adapters and custom transforms need beyond the
 * public API: the names of the fused kernels they register, the ops behind them, the `Updates`
 * a transform receives, the state-tree helpers and the chain every ready-made optimizer is.
 * No semver promise: these follow the implementation.
 */
export { DELTA_GCLIP_SCALARS, deltaGClipScalars } from './kernels/delta-gclip-scalars.js';
export { FINITE_FLAGS, finiteFlags } from './kernels/finite-flags.js';
export { GUARDED_AXPY, guardedAxpy } from './kernels/guarded-axpy.js';
export {
  type GuardedAxpyAttrs,
  HOST_DELTA_GCLIP_SCALARS,
  HOST_FINITE_FLAGS,
  HOST_GLOBAL_SUM_OF_SQUARES,
  HOST_GUARDED_AXPY,
  HOST_SELECT_BY_SCALAR,
  HOST_SUM_OF_SQUARES,
  HOST_TELEMETRY_STEP,
  sumOfSquaresF64,
} from './kernels/host-memory.js';
export { SELECT_BY_SCALAR, selectByScalar } from './kernels/select-by-scalar.js';
export { sharedKernelConfigs } from './kernels/shared-kernels.js';
export { type SimdKernels, simdKernelsFor } from './kernels/simd/simd-kernels.js';
export {
  GLOBAL_SUM_OF_SQUARES,
  globalSumOfSquares,
  SUM_OF_SQUARES,
} from './kernels/sum-of-squares.js';
export { TELEMETRY_STEP, telemetryStep } from './kernels/telemetry-step.js';
export { resolveGradients, type VariableGradient } from './optimizer/gradients.js';
export {
  ConfiguredOptimizer,
  type DescentConfig,
  descentChain,
  resolveDescent,
} from './optimizers/configured-optimizer.js';
export { EMPTY_STATE, flattenState, mapState, restoreState, slotState } from './state.js';
export { updatesGlobalNorm } from './transforms/clip-by-global-norm.js';
export { transformFromConfig } from './transforms/registry.js';
export { REGIME_CODE } from './types.js';
export { Updates } from './updates.js';
