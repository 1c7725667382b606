import { useBackend } from '@deltaclip/backend';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { computeOn, maxScaledError, seeded } from '../../test/on-backends.js';
import { wasmBackend } from '../wasm-backend.js';

await useBackend(wasmBackend);

/**
 * The ops the model zoo trains with, each as f(inputs) -> tensor; the test compares the gradients
 * of sum(f * weights) with respect to every input between wasm and cpu.
 */
const cases: Record<string, { shapes: number[][]; f: (...xs: tf.Tensor[]) => tf.Tensor }> = {
  'dense (matMul + bias)': {
    shapes: [[4, 5], [5, 3], [3]],
    f: (x, w, b) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b!),
  },
  'batched matMul, transposed': {
    shapes: [
      [2, 3, 4],
      [2, 5, 4],
    ],
    f: (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, true),
  },
  'fused matMul + bias + relu': {
    shapes: [[4, 5], [5, 3], [3]],
    f: (a, b, bias) =>
      tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'relu' }),
  },
  'conv2d stride 1 same': {
    shapes: [
      [2, 6, 6, 3],
      [3, 3, 3, 4],
    ],
    f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
  },
  'conv2d stride 2 valid': {
    shapes: [
      [2, 9, 9, 3],
      [3, 3, 3, 5],
    ],
    f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid'),
  },
  'conv2d stride 2 same': {
    shapes: [
      [2, 8, 8, 4],
      [3, 3, 4, 6],
    ],
    f: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'),
  },
  'fused conv2d + bias + relu': {
    shapes: [[2, 6, 6, 3], [3, 3, 3, 4], [4]],
    f: (x, w, b) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: w as tf.Tensor4D,
        bias: b,
        strides: 1,
        pad: 'same',
        activation: 'relu',
      }),
  },
  conv1d: {
    shapes: [
      [2, 10, 3],
      [3, 3, 4],
    ],
    f: (x, w) => tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, 'same'),
  },
  conv2dTranspose: {
    shapes: [
      [2, 4, 4, 4],
      [3, 3, 3, 4],
    ],
    f: (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 8, 3], 2, 'same'),
  },
  depthwiseConv2d: {
    shapes: [
      [2, 6, 6, 3],
      [3, 3, 3, 2],
    ],
    f: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
  },
  separableConv2d: {
    shapes: [
      [2, 6, 6, 3],
      [3, 3, 3, 2],
      [1, 1, 6, 4],
    ],
    f: (x, d, p) =>
      tf.separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'same'),
  },
  'maxPool 2x2': { shapes: [[2, 6, 6, 3]], f: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid') },
  'maxPool 3x3 stride 2 same': {
    shapes: [[2, 7, 7, 3]],
    f: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'),
  },
  'avgPool 3x3 same': {
    shapes: [[2, 6, 6, 3]],
    f: (x) => tf.avgPool(x as tf.Tensor4D, 3, 1, 'same'),
  },
  'avgPool 2x2 stride 2 valid': {
    shapes: [[2, 6, 6, 3]],
    f: (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'),
  },
  'batch norm (batch statistics)': {
    shapes: [[4, 3, 3, 2], [2], [2]],
    f: (x, gamma, beta) => {
      const { mean, variance } = tf.moments(x!, [0, 1, 2]);
      return tf.batchNorm(x!, mean, variance, beta, gamma, 1e-3);
    },
  },
  'layer norm (moments over features)': {
    shapes: [[3, 4, 6], [6], [6]],
    f: (x, gain, shift) => {
      const { mean, variance } = tf.moments(x!, -1, true);
      return tf.add(
        tf.mul(tf.div(tf.sub(x!, mean), tf.sqrt(tf.add(variance, 1e-5))), gain!),
        shift!,
      );
    },
  },
  relu: { shapes: [[3, 7]], f: (x) => tf.relu(x!) },
  relu6: { shapes: [[3, 7]], f: (x) => tf.relu6(tf.mul(x!, 8)) },
  prelu: { shapes: [[3, 7], [7]], f: (x, a) => tf.prelu(x!, a!) },
  selu: { shapes: [[3, 7]], f: (x) => tf.selu(x!) },
  softplus: { shapes: [[3, 7]], f: (x) => tf.softplus(x!) },
  'sqrt / rsqrt / pow': {
    shapes: [[3, 7]],
    f: (x) => {
      const positive = tf.add(tf.abs(x!), 0.5);
      return tf.add(tf.add(tf.sqrt(positive), tf.rsqrt(positive)), tf.pow(positive, 1.5));
    },
  },
  clipByValue: { shapes: [[3, 7]], f: (x) => tf.clipByValue(x!, -0.5, 0.5) },
  leakyRelu: { shapes: [[3, 7]], f: (x) => tf.leakyRelu(x!, 0.2) },
  elu: { shapes: [[3, 7]], f: (x) => tf.elu(x!) },
  'gelu (tanh form)': {
    shapes: [[3, 7]],
    f: (x) =>
      tf.mul(
        tf.mul(0.5, x!),
        tf.add(
          1,
          tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x!, tf.mul(0.044715, tf.pow(x!, 3))))),
        ),
      ),
  },
  'gelu (erf form)': {
    shapes: [[3, 7]],
    f: (x) => tf.mul(tf.mul(0.5, x!), tf.add(1, tf.erf(tf.div(x!, Math.SQRT2)))),
  },
  tanh: { shapes: [[3, 7]], f: (x) => tf.tanh(x!) },
  sigmoid: { shapes: [[3, 7]], f: (x) => tf.sigmoid(x!) },
  softmax: { shapes: [[3, 7]], f: (x) => tf.softmax(x!) },
  logSoftmax: { shapes: [[3, 7]], f: (x) => tf.logSoftmax(x!) },
  'softmax cross-entropy': {
    shapes: [[3, 5]],
    f: (x) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0, 3, 4], 'int32'), 5), x!),
  },
  'gather rows (embedding lookup)': {
    shapes: [[7, 4]],
    f: (table) =>
      tf.gather(
        table!,
        tf.tensor2d(
          [
            [0, 2, 2],
            [6, 1, 0],
          ],
          [2, 3],
          'int32',
        ),
      ),
  },
  'gather along axis 1': {
    shapes: [[3, 6, 2]],
    f: (x) => tf.gather(x!, tf.tensor1d([5, 0, 5, 2], 'int32'), 1),
  },
  concat: {
    shapes: [
      [2, 3],
      [2, 4],
    ],
    f: (a, b) => tf.concat([a!, b!], 1),
  },
  'reshape + transpose': {
    shapes: [[2, 3, 4]],
    f: (x) => tf.transpose(tf.reshape(x!, [6, 4]), [1, 0]),
  },
  'slice + pad': {
    shapes: [[4, 5]],
    f: (x) =>
      tf.pad(tf.slice(x!, [1, 1], [2, 3]), [
        [1, 0],
        [0, 2],
      ]),
  },
  'mean / max / sum reductions': {
    shapes: [[3, 4, 5]],
    f: (x) => tf.add(tf.add(tf.mean(x!, [1, 2]), tf.max(x!, [1, 2])), tf.sum(x!, [1, 2])),
  },
  'dropout-style mask': {
    shapes: [[3, 4]],
    f: (x) => tf.mul(x!, tf.cast(tf.greater(tf.tensor2d(seeded(12, 9), [3, 4]), 0), 'float32')),
  },
};

describe('gradients on wasm match cpu', () => {
  for (const [name, { shapes, f }] of Object.entries(cases)) {
    it(name, async () => {
      const values = shapes.map((s, i) => seeded(tf.util.sizeFromShape(s), 10 + i));
      const results: Record<string, Float32Array[]> = {};
      for (const backend of ['wasm', 'cpu']) {
        results[backend] = [];
        for (let i = 0; i < shapes.length; i++) {
          const grad = await computeOn(backend, () => {
            const inputs = shapes.map((s, j) => tf.tensor(values[j]!, s));
            const y = f(...inputs);
            const weights = tf.tensor(seeded(y.size, 99), y.shape);
            return tf.grad((xi: tf.Tensor) => {
              const args = inputs.map((t, j) => (j === i ? xi : t));
              return tf.sum(tf.mul(f(...args), weights));
            })(inputs[i]!);
          });
          results[backend].push(grad.values as Float32Array);
        }
      }
      for (let i = 0; i < shapes.length; i++) {
        expect(results.wasm![i]!.every(Number.isFinite)).toBe(true);
        expect(maxScaledError(results.wasm![i]!, results.cpu![i]!)).toBeLessThan(1e-5);
      }
    });
  }
});
