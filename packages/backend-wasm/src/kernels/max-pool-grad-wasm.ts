import * as tf from '@tensorflow/tfjs-core';
import { floats, type WasmBackendLike } from './wasm-backend-like.js';

/**
 * dx of max pooling on the wasm backend: each output's gradient goes to the first largest input
 * of its window (as on the cpu backend), summed where windows overlap.
 *
 * Replaces tfjs-backend-wasm 4.22's own MaxPoolGrad, which drops the gradient of windows whose
 * inputs are all negative (measured: a 2x2 window of [-0.26, -0.93, -0.70, -0.62] passes nothing
 * back), so conv nets that pool before an activation would train wrongly on wasm.
 */
export const maxPoolGradWasmConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const wasm = backend as unknown as WasmBackendLike;
    const out = wasm.makeOutput([...input.shape], 'float32');
    const dx = floats(wasm, out);
    const x = floats(wasm, input);
    const dyValues = floats(wasm, dy);
    dx.fill(0);
    const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
    const {
      strideHeight: sh,
      strideWidth: sw,
      effectiveFilterHeight: fh,
      effectiveFilterWidth: fw,
    } = info;
    const { dilationHeight: dh, dilationWidth: dw, padInfo } = info;
    for (let n = 0; n < batchSize; n++) {
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * sh - padInfo.top;
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * sw - padInfo.left;
          const dyBase = ((n * oh + oy) * ow + ox) * c;
          for (let ch = 0; ch < c; ch++) {
            let best = Number.NEGATIVE_INFINITY;
            let bestIndex = -1;
            for (let ky = 0; ky < fh; ky += dh) {
              const iy = y0 + ky;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < fw; kx += dw) {
                const ix = x0 + kx;
                if (ix < 0 || ix >= w) continue;
                const index = ((n * h + iy) * w + ix) * c + ch;
                if (x[index]! > best) {
                  best = x[index]!;
                  bestIndex = index;
                }
              }
            }
            if (bestIndex >= 0) dx[bestIndex]! += dyValues[dyBase + ch]!;
          }
        }
      }
    }
    return out;
  },
};
