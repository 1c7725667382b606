import { requireInteger, requirePositive } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { dot, squaredNorm } from './gradients.js';
import { type HvpOptions, hessianVectorProduct, resolveHvpOptions } from './hvp.js';
import type { LossFn } from './model.js';

export interface TopEigenvalueOptions {
  /** Most power iterations, one Hessian-vector product each (default 20). */
  readonly iterations?: number;
  /** Stop when the eigenvalue estimate changes by at most this, relatively (default 1e-4). */
  readonly tolerance?: number;
  /** How each Hessian-vector product is computed (default finite differences). */
  readonly hvp?: HvpOptions;
  /** Seed of the random start vector, an integer >= 0 (default 0); the same seed, the same run. */
  readonly seed?: number;
  /** Start from this vector instead (e.g. the previous top eigenvector: a warm start). */
  readonly initial?: readonly tf.Tensor[];
  /** Return the final unit vector in `vector` (the caller disposes it). Default false. */
  readonly returnVector?: boolean;
}

export interface TopEigenvalue {
  /** Rayleigh quotient v^T H v of the final vector: the eigenvalue of largest magnitude, signed. */
  readonly eigenvalue: number;
  /** |eigenvalue|: the smoothness constant beta (the spectral norm of the Hessian). */
  readonly beta: number;
  /** Power iterations run (= Hessian-vector products computed). */
  readonly iterations: number;
  /** Whether the estimate met the tolerance before the iteration limit. */
  readonly converged: boolean;
  /** The estimate after each iteration. */
  readonly history: readonly number[];
  /** The final unit vector, with `returnVector: true`. */
  readonly vector?: tf.Tensor[];
}

/**
 * The Hessian eigenvalue of largest magnitude by power iteration on Hessian-vector products:
 * v <- H v / ||H v||, estimate v^T H v. For a beta-smooth loss this is beta. Costs one
 * Hessian-vector product (two gradient evaluations with finite differences) and one small
 * device read per iteration; the iteration converges like (lambda_2/lambda_1)^(2k).
 */
export async function topHessianEigenvalue(
  lossFn: LossFn,
  variables: readonly tf.Variable[],
  options: TopEigenvalueOptions = {},
): Promise<TopEigenvalue> {
  const iterations = requireInteger('iterations', options.iterations ?? 20, 1);
  const tolerance = requirePositive('tolerance', options.tolerance ?? 1e-4);
  const hvp = resolveHvpOptions(options.hvp);
  const seed = requireInteger('seed', options.seed ?? 0, 0);
  let v = tf.tidy(() => {
    const start =
      options.initial !== undefined
        ? options.initial.map((t) => tf.cast(t, 'float32'))
        : // tfjs treats seed 0 as "no seed" (Math.random), hence the + 1.
          variables.map((w, i) => tf.randomNormal(w.shape, 0, 1, 'float32', seed + i + 1));
    const norm = tf.sqrt(squaredNorm(start));
    return start.map((t) => tf.div(t, tf.maximum(norm, tf.scalar(1e-30))));
  });
  const history: number[] = [];
  let converged = false;
  try {
    for (let k = 0; k < iterations; k++) {
      const hv = hessianVectorProduct(lossFn, variables, v, hvp);
      const stats = tf.tidy(() => tf.stack([dot(v, hv), tf.sqrt(squaredNorm(hv))]));
      const [rayleigh, hvNorm] = Array.from(await stats.data()) as [number, number];
      stats.dispose();
      const next = tf.tidy(() => hv.map((t) => tf.div(t, tf.scalar(hvNorm > 0 ? hvNorm : 1))));
      tf.dispose([...hv, ...v]);
      v = next;
      history.push(rayleigh);
      if (!Number.isFinite(rayleigh)) break;
      if (hvNorm === 0) {
        converged = true;
        break;
      }
      const previous = history[history.length - 2];
      if (
        previous !== undefined &&
        Math.abs(rayleigh - previous) <= tolerance * Math.abs(rayleigh)
      ) {
        converged = true;
        break;
      }
    }
  } catch (error) {
    tf.dispose(v);
    throw error;
  }
  const eigenvalue = history[history.length - 1]!;
  const result: TopEigenvalue = {
    eigenvalue,
    beta: Math.abs(eigenvalue),
    iterations: history.length,
    converged,
    history,
  };
  if (options.returnVector === true) return { ...result, vector: v };
  tf.dispose(v);
  return result;
}
