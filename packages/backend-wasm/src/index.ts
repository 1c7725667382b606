import { registerKernelsOnce } from '@deltaclip/backend';
import { guardedAxpyWasmConfig } from './kernels/guarded-axpy-wasm.js';
import { sumOfSquaresWasmConfig } from './kernels/sum-of-squares-wasm.js';

export { guardedAxpyWasmConfig } from './kernels/guarded-axpy-wasm.js';
export { sumOfSquaresWasmConfig } from './kernels/sum-of-squares-wasm.js';

/** Register deltaclip's optimizer kernels for the wasm backend (idempotent). */
export function registerWasmKernels(): void {
  registerKernelsOnce([guardedAxpyWasmConfig, sumOfSquaresWasmConfig]);
}
