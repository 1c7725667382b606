import { GUARDED_AXPY } from '@deltaclip/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, simdKernelsFor } from '../simd/simd-kernels.js';
import { type WasmBackendLike, wasmKernel } from './wasm-backend-like.js';

/**
 * `guard ? x + alpha * y : x` for deltaclip's optimizer updates on the wasm backend.
 *
 * The guard is a scalar in wasm memory, which is host memory: reading it here is not a device
 * sync. When it is false, x is returned as is (no pass over memory). When true: with WebAssembly
 * SIMD, one fused SIMD pass of deltaclip's own over the backend's memory (read x and y, write the
 * result; tf.train.sgd's mul + add reads and writes twice); without, the backend's Multiply and
 * Add kernels, exactly what an SGD step costs. Both round like tfjs's Mul then Add.
 */
export const guardedAxpyWasmConfig: tf.KernelConfig = {
  kernelName: GUARDED_AXPY,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { x, y, alpha, guard } = inputs as Record<'x' | 'y' | 'alpha' | 'guard', tf.TensorInfo>;
    const wasm = backend as unknown as WasmBackendLike;
    if (wasm.typedArrayFromHeap(guard)[0] !== 1) {
      wasm.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }
    const simd = simdKernelsFor(backend);
    if (simd !== null) {
      // Allocate first: it may grow the heap (offsets stay valid, views would not).
      const out = wasm.makeOutput(x.shape, 'float32');
      const a = (wasm.typedArrayFromHeap(alpha) as Float32Array)[0]!;
      const n = x.shape.reduce((p, q) => p * q, 1);
      simd.axpy(heapOffset(backend, x), heapOffset(backend, y), heapOffset(backend, out), n, a);
      return out;
    }
    const scaled = wasmKernel(tf.Multiply)({
      inputs: { a: y, b: alpha },
      backend,
      attrs: {},
    }) as tf.TensorInfo;
    const out = wasmKernel(tf.Add)({ inputs: { a: x, b: scaled }, backend, attrs: {} });
    wasm.disposeData(scaled.dataId);
    return out as tf.TensorInfo;
  },
};
