import { rngFor } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { glorotArray, uniformArray } from './initializers.js';
import { TensorPool, variableOf, type Workload } from './workload.js';

export interface CnnShape {
  readonly size: number;
  readonly channels: number;
  /** Filters of the two convolutions. */
  readonly filters: readonly [number, number];
  /** Insert a depthwise 3x3 convolution between them (MobileNet style). */
  readonly depthwise: boolean;
  readonly classes: number;
}

/**
 * A small conv net on synthetic images: conv 3x3 'same' + relu, max pool 2, optional depthwise
 * 3x3, conv 3x3 stride 2 'valid', batch norm (batch statistics), leaky relu, average pool,
 * dense + softmax cross-entropy. Labels come from a fixed random linear teacher on the pixels.
 */
export function cnnWorkload(
  shape: CnnShape,
  batchSize: number,
  batches: number,
  seed: number,
): Workload {
  const rng = rngFor(seed, 'workload', 'cnn');
  const pool = new TensorPool();
  const { size, channels, classes } = shape;
  const [f1, f2] = shape.filters;
  const conv1 = variableOf<tf.Rank.R4>(glorotArray(rng, 9 * channels * f1, 9 * channels, 9 * f1), [
    3,
    3,
    channels,
    f1,
  ]);
  const bias1 = variableOf(uniformArray(rng, f1, 0.1));
  const depth = shape.depthwise
    ? variableOf<tf.Rank.R4>(glorotArray(rng, 9 * f1, 9, 9), [3, 3, f1, 1])
    : undefined;
  const conv2 = variableOf<tf.Rank.R4>(glorotArray(rng, 9 * f1 * f2, 9 * f1, 9 * f2), [
    3,
    3,
    f1,
    f2,
  ]);
  const gamma = variableOf(Float32Array.from({ length: f2 }, () => 1 + 0.1 * rng.uniformIn(-1, 1)));
  const beta = variableOf(uniformArray(rng, f2, 0.1));
  // Spatial size after pool 2 (valid), conv stride 2 (valid) and average pool 2 stride 1 (same).
  const pooled = Math.floor(size / 2);
  const convolved = Math.floor((pooled - 3) / 2) + 1;
  const flat = convolved * convolved * f2;
  const dense = variableOf(glorotArray(rng, flat * classes, flat, classes), [flat, classes]);
  const denseBias = variableOf(uniformArray(rng, classes, 0.1));
  const variables = [conv1, bias1, ...(depth ? [depth] : []), conv2, gamma, beta, dense, denseBias];

  const pixels = size * size * channels;
  const teacher = uniformArray(rng, pixels * classes);
  const images: tf.Tensor4D[] = [];
  const labels: tf.Tensor2D[] = [];
  for (let k = 0; k < batches; k++) {
    const x = uniformArray(rng, batchSize * pixels);
    const y = new Float32Array(batchSize * classes);
    for (let n = 0; n < batchSize; n++) {
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < classes; c++) {
        let score = 0;
        for (let p = 0; p < pixels; p++) score += x[n * pixels + p]! * teacher[p * classes + c]!;
        if (score > bestScore) [best, bestScore] = [c, score];
      }
      y[n * classes + best] = 1;
    }
    images.push(pool.keep(tf.tensor4d(x, [batchSize, size, size, channels])));
    labels.push(pool.keep(tf.tensor2d(y, [batchSize, classes])));
  }

  return {
    variables,
    batches,
    batchSize,
    loss(index) {
      const x = images[index % batches]!;
      let h = tf.relu(tf.add(tf.conv2d(x, conv1, 1, 'same'), bias1)) as tf.Tensor4D;
      h = tf.maxPool(h, 2, 2, 'valid');
      if (depth) h = tf.depthwiseConv2d(h, depth, 1, 'same');
      h = tf.conv2d(h, conv2, 2, 'valid');
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      h = tf.batchNorm(h, mean, variance, beta, gamma, 1e-3) as tf.Tensor4D;
      h = tf.leakyRelu(h, 0.1);
      h = tf.avgPool(h, 2, 1, 'same');
      const logits = tf.add(tf.matMul(tf.reshape(h, [batchSize, flat]), dense), denseBias);
      return tf.losses.softmaxCrossEntropy(labels[index % batches]!, logits) as tf.Scalar;
    },
    dispose() {
      pool.dispose();
      tf.dispose(variables);
    },
  };
}
