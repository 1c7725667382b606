import { sumOfSquaresF64 } from '@deltaclip/backend';
import { SUM_OF_SQUARES } from '@deltaclip/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-backend-like.js';

/**
 * sum_i x_i^2 over the wasm heap in one read-only JavaScript pass (float64 accumulators); faster
 * than the backend's matMul or square + sum for the gradient norms of deltaclip's optimizers.
 */
export const sumOfSquaresWasmConfig: tf.KernelConfig = {
  kernelName: SUM_OF_SQUARES,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const wasm = backend as unknown as WasmBackendLike;
    const out = wasm.makeOutput([], 'float32');
    const sum = sumOfSquaresF64(wasm.typedArrayFromHeap(x));
    (wasm.typedArrayFromHeap(out) as Float32Array)[0] = sum;
    return out;
  },
};
