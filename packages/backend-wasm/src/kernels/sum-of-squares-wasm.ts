import { sumOfSquaresF64 } from '@deltaclip/backend/internal';
import { SUM_OF_SQUARES } from '@deltaclip/core/internal';
import type * as tf from '@tensorflow/tfjs-core';
import { heapOffset, simdKernelsFor } from '../simd/simd-kernels.js';
import type { WasmBackendLike } from './wasm-backend-like.js';

/**
 * sum_i x_i^2 over the wasm heap in one read-only pass: with WebAssembly SIMD, deltaclip's own
 * SIMD loop over the backend's memory (float32 squares, float64 sums); without, a JavaScript loop
 * with float64 accumulators. Both beat the backend's matMul of x with itself or square + sum.
 */
export const sumOfSquaresWasmConfig: tf.KernelConfig = {
  kernelName: SUM_OF_SQUARES,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const wasm = backend as unknown as WasmBackendLike;
    const simd = simdKernelsFor(backend);
    const size = x.shape.reduce((a, b) => a * b, 1);
    const sum =
      simd !== null
        ? simd.sumsq(heapOffset(backend, x), size)
        : sumOfSquaresF64(wasm.typedArrayFromHeap(x));
    const out = wasm.makeOutput([], 'float32');
    (wasm.typedArrayFromHeap(out) as Float32Array)[0] = sum;
    return out;
  },
};
