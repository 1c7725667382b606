/**
 * @deltaclip/backend — where deltaclip's math runs: the backend adapter interface, `useBackend`
 * (one adapter, or the fastest of the candidates you pass), the embedded cpu adapter and
 * `doctor()` diagnostics. Adapter packages reach the shared kernels and helpers through
 * `@deltaclip/backend/internal`; the conformance suite is `@deltaclip/backend/testing`.
 */
export { cpuBackend } from './adapters/cpu.js';
export {
  type DoctorBackend,
  type DoctorReport,
  doctor,
  formatDoctorReport,
} from './doctor/doctor.js';
export { ensureGradients } from './ensure-gradients.js';
export { BackendUnavailableError, GradientRegistrationError } from './errors.js';
export {
  type Availability,
  type Available,
  BACKEND_SPEC_VERSION,
  type BackendAdapter,
  type BackendInfo,
  type BackendLoadOptions,
  type Unavailable,
  type WasmVariant,
} from './spec.js';
export {
  type AutoBackendOptions,
  type SelectedBackend,
  type SkippedBackend,
  useBackend,
} from './use-backend.js';
