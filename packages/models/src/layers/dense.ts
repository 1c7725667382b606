import * as tf from '@tensorflow/tfjs-core';
import type { Init } from '../init.js';
import { zeros } from '../init.js';
import type { ParameterStore } from '../parameter-store.js';

/** A fully connected layer `y = scale * (x W) + biasScale * b` over the last axis of `x`. */
export interface Dense {
  readonly kernel: tf.Variable; // [inputSize, outputSize]
  readonly bias: tf.Variable | null; // [outputSize]
  readonly inputSize: number;
  readonly outputSize: number;
  /** Multiplies `x W` (1 except in the NTK parameterization). */
  readonly scale: number;
  /** Multiplies the bias (1 except in the NTK parameterization). */
  readonly biasScale: number;
}

export interface DenseOptions {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly kernelInit: Init;
  /** null: no bias. Default zeros. */
  readonly biasInit?: Init | null;
  readonly scale?: number;
  readonly biasScale?: number;
}

/** Creates `${name}/kernel` and `${name}/bias`. */
export function createDense(store: ParameterStore, name: string, options: DenseOptions): Dense {
  const { inputSize, outputSize } = options;
  const kernel = store.weight(`${name}/kernel`, [inputSize, outputSize], options.kernelInit);
  const biasInit = options.biasInit === undefined ? zeros : options.biasInit;
  const bias = biasInit === null ? null : store.weight(`${name}/bias`, [outputSize], biasInit);
  return {
    kernel,
    bias,
    inputSize,
    outputSize,
    scale: options.scale ?? 1,
    biasScale: options.biasScale ?? 1,
  };
}

/** Applies the layer to `x` of shape [..., inputSize]; returns [..., outputSize]. */
export function applyDense(layer: Dense, x: tf.Tensor): tf.Tensor {
  const leading = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, layer.inputSize]);
  let y: tf.Tensor = tf.matMul(x2 as tf.Tensor2D, layer.kernel as tf.Tensor2D);
  if (layer.scale !== 1) y = tf.mul(y, layer.scale);
  if (layer.bias !== null) {
    y = tf.add(y, layer.biasScale === 1 ? layer.bias : tf.mul(layer.bias, layer.biasScale));
  }
  return x.rank === 2 ? y : tf.reshape(y, [...leading, layer.outputSize]);
}
