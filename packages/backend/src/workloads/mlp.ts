import { rngFor } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { glorotArray, uniformArray } from './initializers.js';
import { TensorPool, variableOf, type Workload } from './workload.js';

export interface MlpShape {
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly outputs: number;
}

/**
 * The MLP's starting point and data as plain arrays (row-major): what both the tfjs workload and
 * the float64 reference of the conformance suite train from. Layer `i` maps `sizes[i]` to
 * `sizes[i + 1]` features: `z = h W + b`, then tanh for even `i`, relu for odd `i`, and no
 * activation on the last layer.
 */
export interface MlpProblem {
  readonly sizes: readonly number[];
  readonly batchSize: number;
  /** Per layer: `w` is `[fanIn, fanOut]`, `b` is `[fanOut]`. */
  readonly layers: readonly { readonly w: Float32Array; readonly b: Float32Array }[];
  /** Per batch: inputs `[batchSize, inputs]`, uniform in [-1, 1). */
  readonly xs: readonly Float32Array[];
  /** Per batch: targets `[batchSize, outputs]`, `tanh(x T)` for a fixed random teacher T. */
  readonly ys: readonly Float32Array[];
}

/** The activation of layer `index` of `count` (tanh, relu alternating; the last is linear). */
export function mlpActivation(index: number, count: number): 'tanh' | 'relu' | 'linear' {
  return index === count - 1 ? 'linear' : index % 2 === 0 ? 'tanh' : 'relu';
}

/**
 * Weights and data of the MLP regression task (the paper's setting: square loss), all from the
 * seed; targets are computed here in float64 and rounded to float32, not on a backend.
 */
export function mlpProblem(
  shape: MlpShape,
  batchSize: number,
  batches: number,
  seed: number,
): MlpProblem {
  const rng = rngFor(seed, 'workload', 'mlp');
  const sizes = [shape.inputs, ...shape.hidden, shape.outputs];
  const layers: { w: Float32Array; b: Float32Array }[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [fanIn, fanOut] = [sizes[i]!, sizes[i + 1]!];
    layers.push({
      w: glorotArray(rng, fanIn * fanOut, fanIn, fanOut),
      b: uniformArray(rng, fanOut, 0.1),
    });
  }
  const { inputs, outputs } = shape;
  const teacher = uniformArray(rng, inputs * outputs, 1);
  const xs: Float32Array[] = [];
  const ys: Float32Array[] = [];
  for (let k = 0; k < batches; k++) {
    const x = uniformArray(rng, batchSize * inputs);
    const y = new Float32Array(batchSize * outputs);
    for (let n = 0; n < batchSize; n++) {
      for (let o = 0; o < outputs; o++) {
        let z = 0;
        for (let j = 0; j < inputs; j++) z += x[n * inputs + j]! * teacher[j * outputs + o]!;
        y[n * outputs + o] = Math.tanh(z);
      }
    }
    xs.push(x);
    ys.push(y);
  }
  return { sizes, batchSize, layers, xs, ys };
}

/** The MLP of {@link mlpProblem} as tfjs variables, with the mean squared error of a batch. */
export function mlpWorkload(problem: MlpProblem): Workload {
  const pool = new TensorPool();
  const { sizes, batchSize } = problem;
  const layers = problem.layers.map(({ w, b }, i) => ({
    w: variableOf<tf.Rank.R2>(w, [sizes[i]!, sizes[i + 1]!]),
    b: variableOf<tf.Rank.R1>(b),
  }));
  const variables = layers.flatMap(({ w, b }) => [w, b]);
  const inputs = sizes[0]!;
  const outputs = sizes.at(-1)!;
  const xs = problem.xs.map((x) => pool.keep(tf.tensor2d(x, [batchSize, inputs])));
  const ys = problem.ys.map((y) => pool.keep(tf.tensor2d(y, [batchSize, outputs])));
  const batches = xs.length;
  return {
    variables,
    batches,
    batchSize,
    loss(index) {
      let h: tf.Tensor2D = xs[index % batches]!;
      layers.forEach(({ w, b }, i) => {
        const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
        const activation = mlpActivation(i, layers.length);
        h = activation === 'linear' ? z : activation === 'tanh' ? tf.tanh(z) : tf.relu(z);
      });
      return tf.losses.meanSquaredError(ys[index % batches]!, h) as tf.Scalar;
    },
    dispose() {
      pool.dispose();
      tf.dispose(variables);
    },
  };
}
