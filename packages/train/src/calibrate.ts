import { canonicalClassName, globalNorm } from '@deltaclip/core';
import { topHessianEigenvalue } from '@deltaclip/plstar';
import * as tf from '@tensorflow/tfjs-core';
import { fullBatch } from './full-batch.js';
import { CLIPPING_CLASSES, type RunOptimizer } from './run-optimizer.js';
import { buildTask, type DatasetLoader, type TaskSpec } from './task.js';

export interface Calibration {
  /** Top Hessian eigenvalue magnitude of the full-batch loss at initialization. */
  readonly beta0: number;
  /** ||grad L(w_0)|| of the full-batch loss. */
  readonly gradNorm0: number;
  /** 0.5 / beta0: inside the theory's eta <= 1/beta with room for beta to grow. */
  readonly learningRate: number;
  /** 0.2 ||g_0||: clipping from the first step. */
  readonly gamma: number;
}

/**
 * Calibrate the theory experiment at initialization: measure beta_0 (power iteration on
 * Hessian-vector products of the full-batch loss) and ||g_0||, and derive eta = 0.5/beta_0 and
 * gamma = 0.2 ||g_0||. Then `applyCalibration` sets them on every optimizer.
 */
export async function calibrateTheory(
  task: TaskSpec,
  options: { seed?: number; loader?: DatasetLoader; iterations?: number } = {},
): Promise<Calibration> {
  const built = await buildTask(task, {
    prefix: 'calibration',
    seed: options.seed ?? 0,
    ...(options.loader ? { loader: options.loader } : {}),
  });
  const data = fullBatch(built, task.loss);
  const { lossFn } = data;
  try {
    const variables = built.model.variables as tf.Variable[];
    const top = await topHessianEigenvalue(lossFn, variables, {
      iterations: options.iterations ?? 20,
    });
    const gradNorm0 = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn, variables);
      value.dispose();
      return globalNorm(Object.values(grads));
    });
    const g0 = (await gradNorm0.data())[0]!;
    gradNorm0.dispose();
    return { beta0: top.beta, gradNorm0: g0, learningRate: 0.5 / top.beta, gamma: 0.2 * g0 };
  } finally {
    data.dispose();
    built.model.dispose();
  }
}

/** Every optimizer with the calibrated learning rate, and gamma where its class has one. */
export function applyCalibration(
  optimizers: readonly RunOptimizer[],
  c: Calibration,
): RunOptimizer[] {
  return optimizers.map((o) => ({
    ...o,
    config: {
      ...o.config,
      learningRate: c.learningRate,
      ...(CLIPPING_CLASSES.includes(canonicalClassName(o.className)) ? { gamma: c.gamma } : {}),
    },
  }));
}
