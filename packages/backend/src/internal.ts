/**
 * @deltaclip/backend/internal — what the adapter packages share with this one and nobody else
 * needs: kernel registration, the float64 sum of squares, the cpu kernel configs, and the helpers
 * that turn a failed import into a reason and a fix. Not covered by semver.
 */
export { firstLine, formatSteps } from './errors.js';
export { installCommand } from './install-command.js';
export { guardedAxpyCpuConfig } from './kernels/guarded-axpy-cpu.js';
export { registerCpuKernels, registerKernelsOnce } from './kernels/register-cpu-kernels.js';
export { selectByScalarCpuConfig } from './kernels/select-by-scalar-cpu.js';
export { sumOfSquaresCpuConfig, sumOfSquaresF64 } from './kernels/sum-of-squares.js';
export { isMissingPackage } from './missing-package.js';
