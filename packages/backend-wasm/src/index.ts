/**
 * @deltaclip/backend-wasm — tfjs-backend-wasm for deltaclip in Node and browsers: the `wasm`
 * adapter (`useBackend(wasmBackend)`), with the training kernels tfjs-backend-wasm 4.22 lacks and
 * deltaclip's fused optimizer kernels.
 */
import { wasmBackend } from './wasm-backend.js';

export { BUNDLED_WASM_VERSION, WASM_BINARIES } from './bundled-wasm.js';
export { conv2dBackpropFilterWasmConfig } from './kernels/conv2d-backprop-filter-wasm.js';
export {
  depthwiseConv2dNativeBackpropFilterWasmConfig,
  depthwiseConv2dNativeBackpropInputWasmConfig,
} from './kernels/depthwise-conv2d-backprop-wasm.js';
export { maxPoolGradWasmConfig } from './kernels/max-pool-grad-wasm.js';
export {
  registerWasmKernels,
  registerWasmTrainingKernels,
  wasmKernelFixes,
  wasmOptimizerKernels,
  wasmTrainingKernels,
} from './kernels/register-wasm-kernels.js';
export { unsortedSegmentSumWasmConfig } from './kernels/unsorted-segment-sum-wasm.js';
export { wasmBackend };
