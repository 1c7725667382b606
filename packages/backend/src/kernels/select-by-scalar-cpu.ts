import { SELECT_BY_SCALAR } from '@deltaclip/core/internal';
import type * as tf from '@tensorflow/tfjs-core';

interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: tf.backend_util.BackendValues } };
  incRef(dataId: tf.DataId): void;
}

/**
 * `condition ? a : b` for a scalar condition on the cpu backend: returns the chosen input itself
 * (its data shared, reference-counted), so guarding optimizer state against a non-finite step
 * costs nothing.
 */
export const selectByScalarCpuConfig: tf.KernelConfig = {
  kernelName: SELECT_BY_SCALAR,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend }) => {
    const { condition, a, b } = inputs as Record<'condition' | 'a' | 'b', tf.TensorInfo>;
    const cpu = backend as unknown as CpuBackendLike;
    const chosen = cpu.data.get(condition.dataId).values[0] === 1 ? a : b;
    cpu.incRef(chosen.dataId);
    return { dataId: chosen.dataId, shape: chosen.shape, dtype: chosen.dtype };
  },
};
