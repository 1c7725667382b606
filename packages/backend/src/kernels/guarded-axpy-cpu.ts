import { GUARDED_AXPY } from '@deltaclip/core/internal';
import type * as tf from '@tensorflow/tfjs-core';

/** The slice of MathBackendCPU this kernel uses (tfjs-backend-cpu keeps tensors in host arrays). */
interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: tf.backend_util.BackendValues } };
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
  incRef(dataId: tf.DataId): void;
}

/**
 * One-pass `guard ? x + alpha * y : x` for the cpu backend: the optimizer update of deltaclip
 * without the temporaries of mul + add + where. A false guard returns x itself (no copy).
 */
export const guardedAxpyCpuConfig: tf.KernelConfig = {
  kernelName: GUARDED_AXPY,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend }) => {
    const { x, y, alpha, guard } = inputs as Record<'x' | 'y' | 'alpha' | 'guard', tf.TensorInfo>;
    const cpu = backend as unknown as CpuBackendLike;
    if (cpu.data.get(guard.dataId).values[0] !== 1) {
      cpu.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }
    const xs = cpu.data.get(x.dataId).values as Float32Array;
    const ys = cpu.data.get(y.dataId).values as Float32Array;
    const a = (cpu.data.get(alpha.dataId).values as Float32Array)[0]!;
    const out = new Float32Array(xs.length);
    // Round the product to float32 first, as tfjs's Mul then Add do (the sum rounds on store).
    for (let i = 0; i < out.length; i++) out[i] = xs[i]! + Math.fround(a * ys[i]!);
    return cpu.makeTensorInfo(x.shape, 'float32', out);
  },
};
