import * as tf from '@tensorflow/tfjs-core';
import { floats, type WasmBackendLike } from './wasm-backend-like.js';

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/**
 * Calls `visit(dyBase, inBase, filterBase)` for every (image, output position, filter tap) whose
 * tap falls inside the input: the offsets of dy[n, oy, ox, 0], x[n, iy, ix, 0] and
 * filter[ky, kx, 0, 0]. Both depthwise backprops are sums over exactly these triples.
 */
function forEachTap(
  info: Conv2DInfo,
  visit: (dyBase: number, inBase: number, filterBase: number) => void,
): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { filterHeight: fh, filterWidth: fw, outChannels: co, padInfo } = info;
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - padInfo.top;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - padInfo.left;
        const dyBase = ((n * oh + oy) * ow + ox) * co;
        for (let ky = 0; ky < fh; ky++) {
          const iy = y0 + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ix = x0 + kx * dw;
            if (ix < 0 || ix >= w) continue;
            visit(dyBase, ((n * h + iy) * w + ix) * c, (ky * fw + kx) * co);
          }
        }
      }
    }
  }
}

function depthwiseInfo(
  inputShape: number[],
  filterShape: number[],
  attrs: {
    strides: number | [number, number];
    dilations: number | [number, number];
    pad: unknown;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad as 'same',
    attrs.dimRoundingMode,
    true,
  );
}

/**
 * dx of a depthwise 2-D convolution on the wasm backend (missing from tfjs-backend-wasm 4.22):
 * dx[n, iy, ix, c] = sum over taps and multipliers m of dy[n, oy, ox, c*M + m] filter[ky, kx, c, m].
 * Plain JavaScript over the wasm heap, accumulated in float64.
 */
export const depthwiseConv2dNativeBackpropInputWasmConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    const info = depthwiseInfo(a.inputShape, filter.shape, a);
    const wasm = backend as unknown as WasmBackendLike;
    const out = wasm.makeOutput([...a.inputShape], 'float32');
    const dyValues = floats(wasm, dy);
    const filterValues = floats(wasm, filter);
    const c = info.inChannels;
    const m = info.outChannels / c;
    const dx = new Float64Array(tf.util.sizeFromShape(a.inputShape));
    forEachTap(info, (dyBase, inBase, filterBase) => {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let j = 0; j < m; j++)
          s += dyValues[dyBase + ch * m + j]! * filterValues[filterBase + ch * m + j]!;
        dx[inBase + ch]! += s;
      }
    });
    floats(wasm, out).set(dx);
    return out;
  },
};

/**
 * dW of a depthwise 2-D convolution on the wasm backend (missing from tfjs-backend-wasm 4.22):
 * dW[ky, kx, c, m] = sum over images and output positions of x[n, iy, ix, c] dy[n, oy, ox, c*M + m].
 */
export const depthwiseConv2dNativeBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    const info = depthwiseInfo(x.shape, a.filterShape, a);
    const wasm = backend as unknown as WasmBackendLike;
    const out = wasm.makeOutput([...a.filterShape], 'float32');
    const xValues = floats(wasm, x);
    const dyValues = floats(wasm, dy);
    const c = info.inChannels;
    const m = info.outChannels / c;
    const dw = new Float64Array(tf.util.sizeFromShape(a.filterShape));
    forEachTap(info, (dyBase, inBase, filterBase) => {
      for (let ch = 0; ch < c; ch++) {
        const xv = xValues[inBase + ch]!;
        for (let j = 0; j < m; j++)
          dw[filterBase + ch * m + j]! += xv * dyValues[dyBase + ch * m + j]!;
      }
    });
    floats(wasm, out).set(dw);
    return out;
  },
};
