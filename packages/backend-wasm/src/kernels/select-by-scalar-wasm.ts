import { SELECT_BY_SCALAR } from '@deltaclip/core/internal';
import type * as tf from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  incRef(dataId: tf.DataId): void;
}

/**
 * `condition ? a : b` for a scalar condition on the wasm backend: the condition is read from the
 * wasm heap (host memory, no device sync) and the chosen input is returned itself. tf.where would
 * Tile the condition to the full shape first, which tfjs-backend-wasm 4.22 does slowly.
 */
export const selectByScalarWasmConfig: tf.KernelConfig = {
  kernelName: SELECT_BY_SCALAR,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { condition, a, b } = inputs as Record<'condition' | 'a' | 'b', tf.TensorInfo>;
    const wasm = backend as unknown as WasmBackendLike;
    const chosen = wasm.typedArrayFromHeap(condition)[0] === 1 ? a : b;
    wasm.incRef(chosen.dataId);
    return { dataId: chosen.dataId, shape: chosen.shape, dtype: chosen.dtype };
  },
};
