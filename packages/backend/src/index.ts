/**
 * @deltaclip/backend — where deltaclip's math runs: the backend adapter interface, the registry
 * behind `useBackend('auto' | 'cpu' | 'wasm' | 'node' | 'node-gpu')`, the embedded cpu backend,
 * `doctor()` diagnostics, and deltaclip's fused optimizer kernels for cpu.
 */
export { cpuBackend } from './cpu-backend.js';
export {
  type DoctorBackend,
  type DoctorReport,
  doctor,
  formatDoctorReport,
} from './doctor.js';
export { ensureGradients, gradientsRegistered } from './ensure-gradients.js';
export { BackendUnavailableError, firstLine } from './errors.js';
export { importOptionalPackage } from './import-optional-package.js';
export {
  ADAPTER_PACKAGES,
  CUDA_VERSION,
  CUDNN_VERSION,
  downloadRedirectHints,
  installCommand,
  installFix,
  LIBTENSORFLOW_VERSION,
  systemRequirements,
  TFJS_NODE_DOWNLOAD_ENV,
  TFJS_PACKAGES,
} from './install-hints.js';
export { guardedAxpyCpuConfig } from './kernels/guarded-axpy-cpu.js';
export { registerCpuKernels, registerKernelsOnce } from './kernels/register-cpu-kernels.js';
export { selectByScalarCpuConfig } from './kernels/select-by-scalar-cpu.js';
export { sumOfSquaresCpuConfig, sumOfSquaresF64 } from './kernels/sum-of-squares.js';
export { isMissingPackage } from './platform/platform.js';
export {
  type AdapterLookup,
  backendNames,
  findBackendAdapter,
  registerBackendAdapter,
} from './registry.js';
export {
  type Availability,
  type Available,
  BACKEND_NAMES,
  BACKEND_SPEC_VERSION,
  type BackendAdapter,
  type BackendChoice,
  type BackendInfo,
  type BackendLoadOptions,
  type BackendName,
  type Unavailable,
  type WasmVariant,
} from './spec.js';
export { type SelectedBackend, type SkippedBackend, useBackend } from './use-backend.js';
