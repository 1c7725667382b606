/**
 * The optimizer-step benchmark's problem, shared by the Node rows and the webgl page: four
 * variables (half, a quarter and two eighths of the parameters, like a small network's layers)
 * with one fixed gradient each, and the wait for a step's result.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface StepProblem {
  readonly sizes: readonly number[];
  readonly vars: readonly tf.Variable[];
  readonly grads: tf.NamedTensorMap;
  /**
   * Wait for the step: read one value of the last variable updated. Steps run in order, so this
   * waits for all of them, and it costs no copy of a whole variable (dataSync of the first one,
   * 20 MB at 10M parameters, used to be timed with every step).
   */
  sync(): void;
  dispose(): void;
}

export function stepProblem(params: number, prefix: string): StepProblem {
  const sizes = [0.5, 0.25, 0.125, 0.125].map((f) => Math.round(f * params));
  const vars = sizes.map((n, i) =>
    tf.variable(tf.randomNormal([n], 0, 1, 'float32', i), true, `${prefix}_${params}_${i}`),
  );
  const grads = Object.fromEntries(
    vars.map((v, i) => [v.name, tf.randomNormal([sizes[i]!], 0, 0.01, 'float32', 10 + i)]),
  );
  const last = vars[vars.length - 1]!;
  return {
    sizes,
    vars,
    grads,
    sync() {
      const one = tf.slice(last, [0], [1]);
      one.dataSync();
      one.dispose();
    },
    dispose() {
      tf.dispose([...vars, ...Object.values(grads)]);
    },
  };
}
