import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { Model } from '../src/types.js';

/**
 * Asserts that `loss` has a gradient for every trainable variable of `model`, none null and none
 * identically zero.
 */
export function expectGradientsForEveryVariable(model: Model, loss: () => tf.Scalar): void {
  const { value, grads } = tf.variableGrads(loss, [...model.variables]);
  try {
    const missing = model.variables.filter((v) => grads[v.name] == null).map((v) => v.name);
    expect(missing).toEqual([]);
    const zero = model.variables
      .filter((v) => tf.tidy(() => tf.sum(tf.abs(grads[v.name]!)).dataSync()[0]) === 0)
      .map((v) => v.name);
    expect(zero).toEqual([]);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}

/** Runs `steps` optimizer steps on `loss` and returns the losses before and after. */
export function train(
  model: Model,
  loss: () => tf.Scalar,
  steps: number,
  optimizer: tf.Optimizer,
): { before: number; after: number } {
  const read = (): number => tf.tidy(() => loss().dataSync()[0]!);
  const before = read();
  for (let i = 0; i < steps; i++) {
    const cost = optimizer.minimize(loss, true, [...model.variables]);
    cost?.dispose();
  }
  const after = read();
  optimizer.dispose();
  return { before, after };
}

/** Asserts that `fn` (whose result is disposed) leaves the number of live tensors unchanged. */
export function expectNoLeak(fn: () => tf.Tensor | tf.Tensor[]): void {
  tf.dispose(fn()); // warm-up: kernels may cache constants on first use
  const before = tf.memory().numTensors;
  tf.dispose(fn());
  expect(tf.memory().numTensors).toBe(before);
}

/** Deterministic pseudo-random test data in [-1, 1) (a tiny LCG; independent of the package). */
export function testData(shape: readonly number[], seed = 1): tf.Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = s / 2 ** 31 - 1;
  }
  return tf.tensor(values, [...shape]);
}

/** The weights of `model` as a name -> {shape, values (float64)} map. */
export function weightMap(model: Model): Map<string, { shape: number[]; values: number[] }> {
  return new Map(
    model.getWeights().map((w) => [w.name, { shape: [...w.shape], values: Array.from(w.values) }]),
  );
}
