/**
 * @deltaclip/backend/internal — what the adapter packages share with this one and nobody else
 * needs: kernel registration, the cpu optimizer kernel configs (core's), and the helpers
 * that turn a failed import into a reason and a fix. Not covered by semver.
 */
export { firstLine, formatSteps } from './errors.js';
export { installCommand } from './install-command.js';
export {
  cpuOptimizerKernels,
  registerCpuKernels,
  registerKernelsOnce,
} from './kernels/register-cpu-kernels.js';
export { isMissingPackage } from './missing-package.js';
