import { SUM_OF_SQUARES, sumOfSquaresF64 } from '@deltaclip/core/internal';
import type * as tf from '@tensorflow/tfjs-core';

// The float64 four-accumulator sum of squares is core's (one definition); re-exported for the
// wasm adapter through @deltaclip/backend/internal.
export { sumOfSquaresF64 };

/** The slice of MathBackendCPU this kernel uses. */
interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: tf.backend_util.BackendValues } };
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
}

export const sumOfSquaresCpuConfig: tf.KernelConfig = {
  kernelName: SUM_OF_SQUARES,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const cpu = backend as unknown as CpuBackendLike;
    const values = cpu.data.get(x.dataId).values as Float32Array;
    return cpu.makeTensorInfo([], 'float32', Float32Array.of(sumOfSquaresF64(values)));
  },
};
