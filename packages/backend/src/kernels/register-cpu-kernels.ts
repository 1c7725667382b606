import { sharedKernelConfigs } from '@deltaclip/core/internal';
import * as tf from '@tensorflow/tfjs-core';

/** Register kernels unless the backend already has them (idempotent). */
export function registerKernelsOnce(configs: readonly tf.KernelConfig[]): void {
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) {
      tf.registerKernel(config);
    }
  }
}

/**
 * deltaclip's fused optimizer kernels for the cpu backend under the shared names: core's own
 * implementations (one definition, in @deltaclip/core), registered here so they are in place
 * before the first step.
 */
export const cpuOptimizerKernels: readonly tf.KernelConfig[] = sharedKernelConfigs('cpu');

/** Register deltaclip's fused optimizer kernels for the cpu backend (idempotent). */
export function registerCpuKernels(): void {
  registerKernelsOnce(cpuOptimizerKernels);
}
