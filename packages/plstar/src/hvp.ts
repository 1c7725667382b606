import {
  InvalidOptionError,
  requireGradients,
  requireOneOf,
  requirePositive,
} from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { lossAndGradients, squaredNorm } from './gradients.js';
import type { LossFn } from './model.js';
import { exactHessianVectorProduct } from './second-order.js';

/**
 * How a Hessian-vector product is computed:
 * - `'finite-difference'` (default): central differences of two gradients, correct for any model
 *   tfjs can differentiate once;
 * - `'exact'`: double backprop, only through ops whose second derivatives tfjs-core 4.22 gets right
 *   (it throws a {@link SecondOrderUnsupportedError} naming the op otherwise).
 */
export type HvpMethod = 'finite-difference' | 'exact';

export const HVP_METHODS: readonly HvpMethod[] = ['finite-difference', 'exact'];

/**
 * Default relative step of the finite differences. The perturbation is eps*v with
 * eps = relativeStep * max(||w||, 1) / ||v||, i.e. a move of relativeStep times the weight norm:
 * each coordinate moves by about relativeStep times a typical weight. With float32 gradients the
 * rounding error of the difference is about 1e-7/relativeStep relative and the truncation error
 * about relativeStep^2 (smooth activations) or relativeStep (relu kinks crossed), so 1e-3 balances
 * them near 1e-4.
 */
export const DEFAULT_RELATIVE_STEP = 1e-3;

export interface HvpOptions {
  /** Default `'finite-difference'`. */
  readonly method?: HvpMethod;
  /** Finite differences only: see {@link DEFAULT_RELATIVE_STEP}. */
  readonly relativeStep?: number;
}

/** Validated options with defaults filled in. */
export function resolveHvpOptions(options: HvpOptions = {}): Required<HvpOptions> {
  return {
    method: requireOneOf('hvp.method', options.method ?? 'finite-difference', HVP_METHODS),
    relativeStep: requirePositive(
      'hvp.relativeStep',
      options.relativeStep ?? DEFAULT_RELATIVE_STEP,
    ),
  };
}

function requireAligned(variables: readonly tf.Variable[], vector: readonly tf.Tensor[]): void {
  if (vector.length !== variables.length) {
    throw new InvalidOptionError(
      `vector must have one tensor per variable (${variables.length}), got ${vector.length}`,
    );
  }
  vector.forEach((t, i) => {
    const v = variables[i]!;
    if (!tf.util.arraysEqual(t.shape, v.shape)) {
      throw new InvalidOptionError(
        `vector[${i}] must have the shape of variable '${v.name}' [${v.shape}] (got [${t.shape}])`,
      );
    }
  });
}

/**
 * `H v ~ (g(w + eps v) - g(w - eps v)) / (2 eps)`: two gradient evaluations. The variables are
 * moved and then restored bit for bit (also on error); nothing is read back to the host.
 */
export function finiteDifferenceHessianVectorProduct(
  lossFn: LossFn,
  variables: readonly tf.Variable[],
  vector: readonly tf.Tensor[],
  relativeStep = DEFAULT_RELATIVE_STEP,
): tf.Tensor[] {
  requireGradients(tf, 'plstar');
  requireAligned(variables, vector);
  requirePositive('relativeStep', relativeStep);
  const w0 = variables.map((v) => tf.clone(v));
  const eps = tf.tidy(() =>
    tf.div(
      tf.mul(tf.scalar(relativeStep), tf.maximum(tf.sqrt(squaredNorm(w0)), tf.scalar(1))),
      tf.maximum(tf.sqrt(squaredNorm(vector)), tf.scalar(1e-30)),
    ),
  );
  const gradientAt = (sign: 1 | -1): tf.Tensor[] => {
    tf.tidy(() => {
      const step = tf.mul(eps, tf.scalar(sign));
      variables.forEach((v, i) => {
        v.assign(tf.add(w0[i]!, tf.mul(step, vector[i]!)));
      });
    });
    const { loss, grads } = lossAndGradients(lossFn, variables);
    loss.dispose();
    return grads;
  };
  try {
    const plus = gradientAt(1);
    const minus = gradientAt(-1);
    const result = tf.tidy(() => {
      const twoEps = tf.mul(eps, tf.scalar(2));
      return plus.map((g, i) => tf.div(tf.sub(g, minus[i]!), twoEps));
    });
    tf.dispose([...plus, ...minus]);
    return result;
  } finally {
    variables.forEach((v, i) => {
      v.assign(w0[i]!);
    });
    tf.dispose([...w0, eps]);
  }
}

/**
 * The Hessian of `lossFn` (with respect to `variables`) times `vector`, one tensor per variable.
 * The caller disposes the result.
 */
export function hessianVectorProduct(
  lossFn: LossFn,
  variables: readonly tf.Variable[],
  vector: readonly tf.Tensor[],
  options: HvpOptions = {},
): tf.Tensor[] {
  const { method, relativeStep } = resolveHvpOptions(options);
  if (method === 'exact') {
    requireAligned(variables, vector);
    return exactHessianVectorProduct(lossFn, variables, vector);
  }
  return finiteDifferenceHessianVectorProduct(lossFn, variables, vector, relativeStep);
}
