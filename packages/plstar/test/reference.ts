/**
 * Independent float64 references in plain JS: a seeded generator, least-squares problems with a
 * prescribed spectrum, and the loss gradient of a one-hidden-layer MLP.
 */
import { Rng } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { PlStarModel } from '../src/index.js';

/** float32 copy (tfjs takes no Float64Array). */
export function f32(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values);
}

/** A seeded uniform generator in [0, 1): the project's one PRNG (utils' sfc32). */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.uniform();
}

/** Standard normal samples (Box–Muller). */
export function gaussian(seed: number): () => number {
  const u = rng(seed);
  return () => {
    const a = Math.max(u(), 1e-300);
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
  };
}

/** rows x cols (rows >= cols) matrix with orthonormal columns, row-major, by Gram–Schmidt twice. */
export function orthonormalColumns(rows: number, cols: number, seed: number): Float64Array {
  const g = gaussian(seed);
  const q = new Float64Array(rows * cols);
  for (let i = 0; i < q.length; i++) q[i] = g();
  for (let c = 0; c < cols; c++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < c; k++) {
        let d = 0;
        for (let r = 0; r < rows; r++) d += q[r * cols + c]! * q[r * cols + k]!;
        for (let r = 0; r < rows; r++) q[r * cols + c]! -= d * q[r * cols + k]!;
      }
      let n = 0;
      for (let r = 0; r < rows; r++) n += q[r * cols + c]! ** 2;
      n = Math.sqrt(n);
      for (let r = 0; r < rows; r++) q[r * cols + c]! /= n;
    }
  }
  return q;
}

/** C = A B for row-major float64 matrices. */
export function matmul(
  a: Float64Array,
  b: Float64Array,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let l = 0; l < k; l++) {
      const x = a[i * k + l]!;
      for (let j = 0; j < m; j++) c[i * m + j]! += x * b[l * m + j]!;
    }
  return c;
}

export function transpose(a: Float64Array, n: number, m: number): Float64Array {
  const t = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = a[i * m + j]!;
  return t;
}

/**
 * A least-squares problem X w ~ y with n <= d and X = U diag(s) V^T (U n x n orthogonal, V d x n
 * orthonormal columns): the tangent kernel X X^T has eigenvalues s_i^2 exactly, and so does the
 * nonzero part of the Hessian X^T X of 0.5 ||X w - y||^2. Targets y = X wStar are interpolable.
 */
export interface PrescribedProblem {
  readonly n: number;
  readonly d: number;
  readonly s: readonly number[];
  readonly X: Float64Array;
  readonly U: Float64Array;
  readonly V: Float64Array;
  readonly wStar: Float64Array;
  readonly y: Float64Array;
}

export function prescribedLeastSquares(
  s: readonly number[],
  d: number,
  seed: number,
): PrescribedProblem {
  const n = s.length;
  const U = orthonormalColumns(n, n, seed);
  const V = orthonormalColumns(d, n, seed + 1);
  const US = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) US[i * n + j] = U[i * n + j]! * s[j]!;
  const X = matmul(US, transpose(V, d, n), n, n, d);
  const g = gaussian(seed + 2);
  const wStar = new Float64Array(d).map(() => g());
  const y = matmul(X, wStar, n, d, 1);
  return { n, d, s, X, U, V, wStar, y };
}

/** A linear model x -> x w over one d x 1 variable. */
export function linearModel(w: tf.Variable): PlStarModel {
  return { variables: [w], apply: (x) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D) };
}

export type Activation = 'relu' | 'softplus' | 'tanh' | 'sigmoid';

const ACT: Record<Activation, [(z: number) => number, (z: number) => number]> = {
  relu: [(z) => Math.max(0, z), (z) => (z > 0 ? 1 : 0)],
  softplus: [(z) => Math.log1p(Math.exp(z)), (z) => 1 / (1 + Math.exp(-z))],
  tanh: [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
  sigmoid: [(z) => 1 / (1 + Math.exp(-z)), (z) => Math.exp(-z) / (1 + Math.exp(-z)) ** 2],
};

export const TF_ACT: Record<Activation, (z: tf.Tensor) => tf.Tensor> = {
  relu: tf.relu,
  softplus: tf.softplus,
  tanh: tf.tanh,
  sigmoid: tf.sigmoid,
};

/** Parameters of x -> act(x W1 + b1) W2 + b2, flattened in the order W1 (d x m), b1, W2 (m x 1), b2. */
export interface MlpShape {
  readonly d: number;
  readonly m: number;
}

/** Gradient of 0.5 * sum (f(x) - y)^2 for the MLP above, in float64. */
export function mlpGradient(
  params: Float64Array,
  { d, m }: MlpShape,
  X: Float64Array,
  y: Float64Array,
  act: Activation,
): Float64Array {
  const [sigma, dsigma] = ACT[act];
  const n = y.length;
  const oW1 = 0;
  const ob1 = d * m;
  const oW2 = ob1 + m;
  const ob2 = oW2 + m;
  const grad = new Float64Array(params.length);
  for (let i = 0; i < n; i++) {
    const z = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      let s = params[ob1 + j]!;
      for (let k = 0; k < d; k++) s += X[i * d + k]! * params[oW1 + k * m + j]!;
      z[j] = s;
    }
    let out = params[ob2]!;
    for (let j = 0; j < m; j++) out += sigma(z[j]!) * params[oW2 + j]!;
    const r = out - y[i]!;
    grad[ob2]! += r;
    for (let j = 0; j < m; j++) {
      grad[oW2 + j]! += sigma(z[j]!) * r;
      const dz = r * params[oW2 + j]! * dsigma(z[j]!);
      grad[ob1 + j]! += dz;
      for (let k = 0; k < d; k++) grad[oW1 + k * m + j]! += X[i * d + k]! * dz;
    }
  }
  return grad;
}

/** Hessian-vector product of the MLP loss by float64 central differences of {@link mlpGradient}. */
export function mlpHvpReference(
  params: Float64Array,
  shape: MlpShape,
  X: Float64Array,
  y: Float64Array,
  act: Activation,
  v: Float64Array,
  eps = 1e-6,
): Float64Array {
  const plus = params.map((p, i) => p + eps * v[i]!);
  const minus = params.map((p, i) => p - eps * v[i]!);
  const gp = mlpGradient(plus, shape, X, y, act);
  const gm = mlpGradient(minus, shape, X, y, act);
  return gp.map((g, i) => (g - gm[i]!) / (2 * eps));
}

/** ||a - b|| / ||b||. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** The MLP as tfjs variables (float32 copies of `params`) and a model over them. */
export function mlpModel(
  params: Float64Array,
  { d, m }: MlpShape,
  act: (z: tf.Tensor) => tf.Tensor,
  name: string,
): PlStarModel & { variables: tf.Variable[] } {
  const W1 = tf.variable(tf.tensor2d(f32(params.subarray(0, d * m)), [d, m]), true, `${name}_W1`);
  const b1 = tf.variable(tf.tensor1d(f32(params.subarray(d * m, d * m + m))), true, `${name}_b1`);
  const W2 = tf.variable(
    tf.tensor2d(f32(params.subarray(d * m + m, d * m + 2 * m)), [m, 1]),
    true,
    `${name}_W2`,
  );
  const b2 = tf.variable(tf.tensor1d(f32(params.subarray(d * m + 2 * m))), true, `${name}_b2`);
  return {
    variables: [W1, b1, W2, b2],
    apply: (x) =>
      tf.add(
        tf.matMul(
          act(tf.add(tf.matMul(x as tf.Tensor2D, W1 as tf.Tensor2D), b1)) as tf.Tensor2D,
          W2 as tf.Tensor2D,
        ),
        b2,
      ),
  };
}

/** Split a flat float64 vector into float32 tensors shaped like `variables`. */
export function splitLike(flat: Float64Array, variables: readonly tf.Variable[]): tf.Tensor[] {
  let offset = 0;
  return variables.map((v) => {
    const t = tf.tensor(f32(flat.subarray(offset, offset + v.size)), v.shape, 'float32');
    offset += v.size;
    return t;
  });
}

/** Concatenate tensors into one float64 array (reads them). */
export function flatten(tensors: readonly tf.Tensor[]): Float64Array {
  return Float64Array.from(tensors.flatMap((t) => Array.from(t.dataSync())));
}
