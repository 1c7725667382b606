import * as tf from '@tensorflow/tfjs-core';
import type { Init } from '../init.js';
import type { ParameterStore } from '../parameter-store.js';

/** A bias-free 2-D convolution over NHWC input with PyTorch-style symmetric zero padding. */
export interface Conv2d {
  readonly kernel: tf.Variable; // [size, size, inChannels, outChannels]
  readonly stride: number;
  /** Zero rows/columns added on every side (PyTorch `padding`). */
  readonly padding: number;
}

export function createConv2d(
  store: ParameterStore,
  name: string,
  options: {
    readonly size: number;
    readonly inChannels: number;
    readonly outChannels: number;
    readonly stride: number;
    readonly padding: number;
    readonly init: Init;
  },
): Conv2d {
  const { size, inChannels, outChannels } = options;
  const kernel = store.weight(
    `${name}/kernel`,
    [size, size, inChannels, outChannels],
    options.init,
  );
  return { kernel, stride: options.stride, padding: options.padding };
}

/**
 * Symmetric padding, not tfjs 'same': with stride 2, 'same' pads only the bottom/right, which
 * shifts the sampling grid by one pixel relative to the PyTorch models the paper trains.
 */
export function applyConv2d(layer: Conv2d, x: tf.Tensor4D): tf.Tensor4D {
  const pad = layer.padding === 0 ? 'valid' : layer.padding;
  return tf.conv2d(x, layer.kernel as tf.Tensor4D, layer.stride, pad);
}
