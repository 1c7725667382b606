import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testData } from '../../test/helpers.js';
import { maxRelativeError } from '../../test/reference.js';
import { torchDefault } from '../init.js';
import { ParameterStore } from '../parameter-store.js';
import { applyConv2d, createConv2d } from './conv2d.js';

/** PyTorch Conv2d(padding=p, stride=s, bias=False) on one-channel NHWC data, in float64. */
function torchConv(
  x: Float32Array,
  size: number,
  kernel: Float32Array,
  k: number,
  stride: number,
  pad: number,
): number[] {
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  const y: number[] = [];
  for (let i = 0; i < out; i++) {
    for (let j = 0; j < out; j++) {
      let s = 0;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const r = i * stride - pad + a;
          const c = j * stride - pad + b;
          if (r >= 0 && r < size && c >= 0 && c < size) s += x[r * size + c]! * kernel[a * k + b]!;
        }
      }
      y.push(s);
    }
  }
  return y;
}

describe('conv2d', () => {
  it('pads symmetrically like PyTorch, also with stride 2 (where tfjs "same" would shift the grid)', () => {
    const store = new ParameterStore('conv-test', 3);
    const layer = createConv2d(store, 'c', {
      size: 3,
      inChannels: 1,
      outChannels: 1,
      stride: 2,
      padding: 1,
      init: torchDefault(9),
    });
    const x = testData([1, 6, 6, 1]);
    const y = applyConv2d(layer, x as tf.Tensor4D);
    expect(y.shape).toEqual([1, 3, 3, 1]);
    const expected = torchConv(
      x.dataSync() as Float32Array,
      6,
      layer.kernel.dataSync() as Float32Array,
      3,
      2,
      1,
    );
    expect(maxRelativeError(y.dataSync(), expected)).toBeLessThan(1e-6);
    const same = tf.conv2d(x as tf.Tensor4D, layer.kernel as tf.Tensor4D, 2, 'same');
    expect(maxRelativeError(same.dataSync(), expected)).toBeGreaterThan(1e-3);
    tf.dispose([x, y, same]);
    store.dispose();
  });
});
