import * as tf from '@tensorflow/tfjs-core';
import { guardedAxpyCpuConfig } from './guarded-axpy-cpu.js';
import { selectByScalarCpuConfig } from './select-by-scalar-cpu.js';
import { sumOfSquaresCpuConfig } from './sum-of-squares.js';

/** Register kernels unless the backend already has them (idempotent). */
export function registerKernelsOnce(configs: readonly tf.KernelConfig[]): void {
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) {
      tf.registerKernel(config);
    }
  }
}

/** Register deltaclip's fused optimizer kernels for the cpu backend (idempotent). */
export function registerCpuKernels(): void {
  registerKernelsOnce([guardedAxpyCpuConfig, sumOfSquaresCpuConfig, selectByScalarCpuConfig]);
}
