import * as tf from '@tensorflow/tfjs-core';
import { Seeded } from './seeded.js';
import { TensorPool, variableOf, type Workload } from './workload.js';

export interface MlpShape {
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly outputs: number;
}

/**
 * A tanh/relu MLP on a regression task with the square loss (the paper's setting): targets come
 * from a fixed random teacher network, inputs are uniform in [-1, 1).
 */
export function mlpWorkload(
  shape: MlpShape,
  batchSize: number,
  batches: number,
  seed: number,
): Workload {
  const rng = new Seeded(seed);
  const pool = new TensorPool();
  const sizes = [shape.inputs, ...shape.hidden, shape.outputs];
  const variables: tf.Variable[] = [];
  const layers: { w: tf.Variable; b: tf.Variable }[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [fanIn, fanOut] = [sizes[i]!, sizes[i + 1]!];
    const w = variableOf(rng.glorot(fanIn * fanOut, fanIn, fanOut), [fanIn, fanOut]);
    const b = variableOf(rng.uniform(fanOut, 0.1));
    layers.push({ w, b });
    variables.push(w, b);
  }
  const teacher = pool.keep(
    tf.tensor2d(rng.uniform(shape.inputs * shape.outputs, 1), [shape.inputs, shape.outputs]),
  );
  const xs: tf.Tensor2D[] = [];
  const ys: tf.Tensor2D[] = [];
  for (let k = 0; k < batches; k++) {
    const x = pool.keep(
      tf.tensor2d(rng.uniform(batchSize * shape.inputs), [batchSize, shape.inputs]),
    );
    xs.push(x);
    ys.push(pool.keep(tf.tidy(() => tf.tanh(tf.matMul(x, teacher)))));
  }
  return {
    variables,
    batches,
    batchSize,
    loss(index) {
      let h: tf.Tensor2D = xs[index % batches]!;
      layers.forEach(({ w, b }, i) => {
        const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
        const last = i === layers.length - 1;
        h = last ? z : i % 2 === 0 ? tf.tanh(z) : tf.relu(z);
      });
      return tf.losses.meanSquaredError(ys[index % batches]!, h) as tf.Scalar;
    },
    dispose() {
      pool.dispose();
      tf.dispose(variables);
    },
  };
}
