import { registerKernelsOnce } from '@deltaclip/backend/internal';
import { sharedKernelConfigs } from '@deltaclip/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter-wasm.js';
import {
  depthwiseConv2dNativeBackpropFilterWasmConfig,
  depthwiseConv2dNativeBackpropInputWasmConfig,
} from './depthwise-conv2d-backprop-wasm.js';
import { wasmMatMul } from './mat-mul-wasm.js';
import { maxPoolGradWasmConfig } from './max-pool-grad-wasm.js';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum-wasm.js';

/**
 * deltaclip's fused optimizer kernels for wasm under the shared names: @deltaclip/core's own
 * (WebAssembly SIMD over the backend's heap, the variable updated in place where nothing else
 * holds it), defined once in core, which also uses them by itself on tfjs's wasm backend.
 */
export const wasmOptimizerKernels: readonly tf.KernelConfig[] = sharedKernelConfigs('wasm');

/** The training kernels tfjs-backend-wasm 4.22 lacks (conv nets, depthwise convs, embeddings). */
export const wasmTrainingKernels: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  depthwiseConv2dNativeBackpropInputWasmConfig,
  depthwiseConv2dNativeBackpropFilterWasmConfig,
  unsortedSegmentSumWasmConfig,
];

/** Kernels of tfjs-backend-wasm 4.22 that compute wrong gradients, and their replacements. */
export const wasmKernelFixes: readonly tf.KernelConfig[] = [maxPoolGradWasmConfig];

const replaced = new Map<string, tf.KernelConfig>();

/** tfjs-backend-wasm's own kernel that a fix replaced, by kernel name (to compare against). */
export function replacedWasmKernel(kernelName: string): tf.KernelConfig | undefined {
  return replaced.get(kernelName);
}

/** Puts each config in place of the backend's own kernel of that name (idempotent). */
function replaceKernels(configs: readonly tf.KernelConfig[]): void {
  for (const config of configs) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) {
      replaced.set(config.kernelName, current);
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    tf.registerKernel(config);
  }
}

/** tfjs-backend-wasm's matMul kernels, wrapped (see wasmMatMul). */
function matMulWrappers(): tf.KernelConfig[] {
  return [tf.BatchMatMul, tf._FusedMatMul].flatMap((name) => {
    const current = tf.getKernel(name, 'wasm');
    return current === undefined ? [] : [wasmMatMul(current)];
  });
}

/**
 * Register the training kernels tfjs-backend-wasm lacks, replace the ones it gets wrong, and wrap
 * its matMuls: transposed operands (every matMul gradient) go through the fast untransposed path,
 * and a fused bias over a batch of matrices is added correctly (idempotent).
 */
export function registerWasmTrainingKernels(): void {
  registerKernelsOnce(wasmTrainingKernels);
  replaceKernels([...wasmKernelFixes, ...matMulWrappers()]);
}

/**
 * Register deltaclip's kernels for the wasm backend: fused optimizer kernels and training kernels
 * (idempotent). Call it after importing @tensorflow/tfjs-backend-wasm (the adapter does), since the
 * fixes replace kernels that tfjs-backend-wasm registers when imported.
 */
export function registerWasmKernels(): void {
  registerKernelsOnce(wasmOptimizerKernels);
  registerWasmTrainingKernels();
}
