import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-backend-like.js';

/**
 * out[s, ...] = sum of x[i, ...] over the i with segmentIds[i] = s, on the wasm backend (missing
 * from tfjs-backend-wasm 4.22; it is the gradient of gather, so embeddings cannot train without it).
 * `segmentIds` indexes the leading dimensions of x; ids outside [0, numSegments) are dropped, as in
 * TensorFlow. Float sums accumulate in float64, int32 sums in int32.
 */
export const unsortedSegmentSumWasmConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const idRank = segmentIds.shape.length;
    if (idRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
      throw new Error(
        `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
      );
    }
    const wasm = backend as unknown as WasmBackendLike;
    const rest = x.shape.slice(idRank);
    const inner = tf.util.sizeFromShape(rest);
    const count = tf.util.sizeFromShape(segmentIds.shape);
    const out = wasm.makeOutput([numSegments, ...rest], x.dtype);
    const values = wasm.typedArrayFromHeap(x);
    const ids = wasm.typedArrayFromHeap(segmentIds);
    const sums =
      x.dtype === 'int32'
        ? new Int32Array(numSegments * inner)
        : new Float64Array(numSegments * inner);
    for (let i = 0; i < count; i++) {
      const s = ids[i]!;
      if (s < 0 || s >= numSegments) continue;
      const src = i * inner;
      const dst = s * inner;
      for (let j = 0; j < inner; j++) sums[dst + j]! += values[src + j]!;
    }
    wasm.typedArrayFromHeap(out).set(sums);
    return out;
  },
};
