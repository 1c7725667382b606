/**
 * Float64 reference implementations in plain JS, written from the formulas (not from the package),
 * for checking the models' forward passes.
 */

export type Matrix = number[][];

export function toMatrix(values: ArrayLike<number>, rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => values[r * cols + c]!),
  );
}

export function matMul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, aik, k) => s + aik * b[k]![j]!, 0)));
}

export function map(a: Matrix, f: (v: number, r: number, c: number) => number): Matrix {
  return a.map((row, r) => row.map((v, c) => f(v, r, c)));
}

/** erf by its Maclaurin series (|x| <= 4: more than 1e-15 accurate in float64 with 100 terms). */
export function erf(x: number): number {
  if (Math.abs(x) > 4) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

export const ACTIVATIONS_F64: Record<string, (v: number) => number> = {
  relu: (v) => Math.max(0, v),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  leakyRelu: (v) => (v >= 0 ? v : 0.2 * v),
  linear: (v) => v,
  softplus: (v) => Math.log1p(Math.exp(v)),
};

/** Largest |a - b| / max(1, |b|) over all entries. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e)));
  }
  return worst;
}

export function std(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (values[i]! - mean) ** 2;
  return Math.sqrt(v / values.length);
}
