/**
 * The backend conformance suite (requires vitest): every backend adapter runs it for its backend.
 */
export {
  type BackendConformanceOptions,
  describeBackendConformance,
  FLOAT32_MLP_TOLERANCE,
  maxRelativeDifference,
} from './backend-conformance.js';
export { describeOptimizerKernels } from './optimizer-kernels.js';
export { unavailable } from './unavailable.js';
