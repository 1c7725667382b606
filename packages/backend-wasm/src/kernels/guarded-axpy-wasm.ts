import { GUARDED_AXPY } from '@deltaclip/core';
import * as tf from '@tensorflow/tfjs-core';
import { type WasmBackendLike, wasmKernel } from './wasm-backend-like.js';

/**
 * `guard ? x + alpha * y : x` for deltaclip's optimizer updates on the wasm backend.
 *
 * The guard is a scalar in wasm memory, which is host memory: reading it here is not a device
 * sync. When it is false, x is returned as is (no pass over memory); when true, the backend's own
 * SIMD Multiply and Add kernels do the work, exactly what a tf.train.sgd step costs. (A plain
 * JavaScript loop over the heap was measured at 2 ns per element, slower than those two passes.)
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
