import { rngFor } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { glorotArray, integerArray, uniformArray } from './initializers.js';
import { TensorPool, variableOf, type Workload } from './workload.js';

export interface EmbeddingShape {
  readonly vocabulary: number;
  readonly dim: number;
  readonly length: number;
  readonly classes: number;
}

/**
 * A token classifier with the pieces of a transformer block: embedding lookup (gather) plus a
 * learnt position table, layer norm (moments over the features), single-head self-attention
 * (batched matMul, softmax, transpose), a residual, a GELU-like activation (x sigmoid(1.702 x)),
 * mean pooling and a dense softmax cross-entropy head. Labels: a fixed function of the tokens.
 */
export function embeddingWorkload(
  shape: EmbeddingShape,
  batchSize: number,
  batches: number,
  seed: number,
): Workload {
  const rng = rngFor(seed, 'workload', 'embedding');
  const pool = new TensorPool();
  const { vocabulary, dim, length, classes } = shape;
  const table = variableOf(uniformArray(rng, vocabulary * dim, 0.5), [vocabulary, dim]);
  const position = variableOf(uniformArray(rng, length * dim, 0.1), [length, dim]);
  const gain = variableOf(Float32Array.from({ length: dim }, () => 1 + 0.1 * rng.uniformIn(-1, 1)));
  const shift = variableOf(uniformArray(rng, dim, 0.1));
  const projection = () => variableOf(glorotArray(rng, dim * dim, dim, dim), [dim, dim]);
  const [wq, wk, wv] = [projection(), projection(), projection()];
  const head = variableOf(glorotArray(rng, dim * classes, dim, classes), [dim, classes]);
  const headBias = variableOf(uniformArray(rng, classes, 0.1));
  const variables = [table, position, gain, shift, wq, wk, wv, head, headBias];

  const tokens: tf.Tensor2D[] = [];
  const labels: tf.Tensor2D[] = [];
  for (let k = 0; k < batches; k++) {
    const ids = integerArray(rng, batchSize * length, vocabulary);
    const y = new Float32Array(batchSize * classes);
    for (let n = 0; n < batchSize; n++) {
      let s = 0;
      for (let t = 0; t < length; t++) s += ids[n * length + t]! * (t + 1);
      y[n * classes + (s % classes)] = 1;
    }
    tokens.push(pool.keep(tf.tensor2d(ids, [batchSize, length], 'int32')));
    labels.push(pool.keep(tf.tensor2d(y, [batchSize, classes])));
  }
  const project = (x: tf.Tensor3D, w: tf.Variable) =>
    tf.reshape(tf.matMul(tf.reshape(x, [batchSize * length, dim]), w), [
      batchSize,
      length,
      dim,
    ]) as tf.Tensor3D;

  return {
    variables,
    batches,
    batchSize,
    loss(index) {
      const ids = tokens[index % batches]!;
      let x = tf.add(tf.gather(table, ids), position) as tf.Tensor3D;
      const { mean, variance } = tf.moments(x, -1, true);
      x = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), shift);
      const q = project(x, wq);
      const k = project(x, wk);
      const v = project(x, wv);
      const scores = tf.div(tf.matMul(q, tf.transpose(k, [0, 2, 1])), Math.sqrt(dim));
      const attended = tf.matMul(tf.softmax(scores), v);
      const h = tf.add(x, attended);
      const activated = tf.mul(h, tf.sigmoid(tf.mul(h, 1.702)));
      const logits = tf.add(tf.matMul(tf.mean(activated, 1) as tf.Tensor2D, head), headBias);
      return tf.losses.softmaxCrossEntropy(labels[index % batches]!, logits) as tf.Scalar;
    },
    dispose() {
      pool.dispose();
      tf.dispose(variables);
    },
  };
}
