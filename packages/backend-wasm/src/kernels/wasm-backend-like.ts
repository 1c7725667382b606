import * as tf from '@tensorflow/tfjs-core';

/**
 * The slice of tfjs-backend-wasm's BackendWasm that deltaclip's kernels use. Tensors live in the
 * wasm heap; `typedArrayFromHeap` views them in place. A view is invalidated when the heap grows,
 * which any allocation (`makeOutput`, another kernel) may do: take views after allocating.
 */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  incRef(dataId: tf.DataId): void;
  disposeData(dataId: tf.DataId): boolean;
}

/** A kernel of tfjs-backend-wasm itself, to run from inside our kernels. */
export function wasmKernel(name: string): tf.KernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`tfjs-backend-wasm has no '${name}' kernel`);
  return config.kernelFunc as tf.KernelFunc;
}

/** Runs a tfjs-backend-wasm kernel on tensor infos and returns its single output. */
export function runWasmKernel(
  name: string,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown>,
  backend: unknown,
): tf.TensorInfo {
  return wasmKernel(name)({
    inputs: inputs as tf.NamedTensorInfoMap,
    attrs: attrs as tf.NamedAttrMap,
    backend: backend as tf.KernelBackend,
  }) as tf.TensorInfo;
}

/** Float32 view of a float32 tensor in the wasm heap. */
export function floats(backend: WasmBackendLike, info: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}
