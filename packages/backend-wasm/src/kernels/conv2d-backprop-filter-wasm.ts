import * as tf from '@tensorflow/tfjs-core';
import { floats, runWasmKernel, type WasmBackendLike } from './wasm-backend-like.js';

/** Largest im2col patch matrix built at once, in floats (16 MB); larger batches go in chunks. */
const MAX_PATCH_FLOATS = 1 << 22;

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/**
 * Writes the im2col patches of images [n0, n0 + images) of x (NHWC) into `patches`, one row per
 * output position: row r holds the filter-sized window (fh, fw, c) that produced output r, zeros
 * where the window hangs over the padding.
 */
function fillPatches(
  patches: Float32Array,
  x: Float32Array,
  info: Conv2DInfo,
  n0: number,
  images: number,
): void {
  const { inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { filterHeight: fh, filterWidth: fw, padInfo } = info;
  const windowRow = fw * c;
  let dst = 0;
  for (let n = n0; n < n0 + images; n++) {
    const xBase = n * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - padInfo.top;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - padInfo.left;
        for (let ky = 0; ky < fh; ky++) {
          const iy = y0 + ky * dh;
          if (iy < 0 || iy >= h) {
            patches.fill(0, dst, dst + windowRow);
            dst += windowRow;
            continue;
          }
          const rowBase = xBase + iy * w * c;
          for (let kx = 0; kx < fw; kx++) {
            const ix = x0 + kx * dw;
            if (ix < 0 || ix >= w) {
              patches.fill(0, dst, dst + c);
            } else if (c >= 16) {
              const src = rowBase + ix * c;
              patches.set(x.subarray(src, src + c), dst);
            } else {
              const src = rowBase + ix * c;
              for (let k = 0; k < c; k++) patches[dst + k] = x[src + k]!;
            }
            dst += c;
          }
        }
      }
    }
  }
}

/**
 * dW = im2col(x)^T dy for a 2-D convolution on the wasm backend (tfjs-backend-wasm 4.22 has no
 * Conv2DBackpropFilter, so conv nets cannot train on it without this).
 *
 * The patches are gathered in JavaScript over the wasm heap; the product runs on the backend's own
 * SIMD matMul as (dy^T)(patches), because its transposed-operand path is ten times slower. Large
 * batches are processed a few images at a time to bound the patch matrix.
 */
export function conv2dFilterGradient(
  wasm: WasmBackendLike,
  backend: unknown,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: Conv2DInfo,
  maxPatchFloats = MAX_PATCH_FLOATS,
): tf.TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels, filterHeight, filterWidth, inChannels } =
    info;
  const k = filterHeight * filterWidth * inChannels;
  const rowsPerImage = outHeight * outWidth;
  const perChunk = Math.max(
    1,
    Math.min(batchSize, Math.floor(maxPatchFloats / (rowsPerImage * k))),
  );
  const identityPatches =
    filterHeight === 1 &&
    filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    perChunk === batchSize;
  let sum: tf.TensorInfo | undefined;
  for (let n0 = 0; n0 < batchSize; n0 += perChunk) {
    const images = Math.min(perChunk, batchSize - n0);
    const rows = images * rowsPerImage;
    let patches: tf.TensorInfo;
    if (identityPatches) {
      patches = { dataId: x.dataId, shape: [rows, k], dtype: 'float32' };
    } else {
      patches = wasm.makeOutput([rows, k], 'float32');
      fillPatches(floats(wasm, patches), floats(wasm, x), info, n0, images);
    }
    let dyRows: tf.TensorInfo = { dataId: dy.dataId, shape: [rows, outChannels], dtype: 'float32' };
    if (images !== batchSize) {
      dyRows = wasm.makeOutput([rows, outChannels], 'float32');
      const start = n0 * rowsPerImage * outChannels;
      floats(wasm, dyRows).set(floats(wasm, dy).subarray(start, start + rows * outChannels));
    }
    const dyT = runWasmKernel(tf.Transpose, { x: dyRows }, { perm: [1, 0] }, backend);
    if (images !== batchSize) wasm.disposeData(dyRows.dataId);
    const partial = runWasmKernel(
      tf.BatchMatMul,
      { a: dyT, b: patches },
      { transposeA: false, transposeB: false },
      backend,
    );
    wasm.disposeData(dyT.dataId);
    if (!identityPatches) wasm.disposeData(patches.dataId);
    if (sum === undefined) {
      sum = partial;
    } else {
      const total = floats(wasm, sum);
      const part = floats(wasm, partial);
      for (let i = 0; i < total.length; i++) total[i]! += part[i]!;
      wasm.disposeData(partial.dataId);
    }
  }
  if (sum === undefined) {
    const zeros = wasm.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32');
    floats(wasm, zeros).fill(0);
    return zeros;
  }
  // (dy^T patches) is [outChannels, k]; the filter gradient is its transpose, [fh, fw, in, out].
  const transposed = runWasmKernel(
    tf.Transpose,
    { x: { dataId: sum.dataId, shape: [outChannels, k], dtype: 'float32' } },
    { perm: [1, 0] },
    backend,
  );
  wasm.disposeData(sum.dataId);
  return {
    dataId: transposed.dataId,
    shape: [filterHeight, filterWidth, inChannels, outChannels],
    dtype: 'float32',
  };
}

export const conv2dBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (dataFormat === 'NCHW') {
      throw new Error(
        "Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only (got 'NCHW'), like tfjs-backend-wasm's Conv2D",
      );
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    return conv2dFilterGradient(backend as unknown as WasmBackendLike, backend, x, dy, info);
  },
};
