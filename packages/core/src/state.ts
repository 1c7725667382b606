import * as tf from '@tensorflow/tfjs-core';
import type { TransformState } from './types.js';

/** The empty state of a stateless transform. */
export const EMPTY_STATE: TransformState = Object.freeze({});

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/** Every tensor of a state tree with a stable '/'-joined path, in a deterministic order. */
export function flattenState(
  state: TransformState,
  prefix = '',
): { path: string; tensor: tf.Tensor }[] {
  if (isTensor(state)) return [{ path: prefix, tensor: state }];
  const out: { path: string; tensor: tf.Tensor }[] = [];
  const entries = Array.isArray(state)
    ? (state as readonly TransformState[]).map((s, i) => [String(i), s] as const)
    : Object.keys(state)
        .sort()
        .map((k) => [k, (state as Record<string, TransformState>)[k]!] as const);
  for (const [key, child] of entries) {
    out.push(...flattenState(child, prefix === '' ? key : `${prefix}/${key}`));
  }
  return out;
}

/** Rebuild a state tree with the same shape as `like`, mapping each tensor leaf. */
export function mapState(
  like: TransformState,
  fn: (tensor: tf.Tensor, path: string) => tf.Tensor,
  prefix = '',
): TransformState {
  if (isTensor(like)) return fn(like, prefix);
  const join = (key: string) => (prefix === '' ? key : `${prefix}/${key}`);
  if (Array.isArray(like)) {
    return (like as readonly TransformState[]).map((s, i) => mapState(s, fn, join(String(i))));
  }
  const out: Record<string, TransformState> = {};
  for (const key of Object.keys(like)) {
    out[key] = mapState((like as Record<string, TransformState>)[key]!, fn, join(key));
  }
  return out;
}

/** Combine two state trees of the same shape leaf by leaf. */
export function zipState(
  a: TransformState,
  b: TransformState,
  fn: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): TransformState {
  const leavesB = new Map(flattenState(b).map((e) => [e.path, e.tensor]));
  return mapState(a, (x, path) => {
    const y = leavesB.get(path);
    if (y === undefined) throw new Error(`State trees differ: no leaf '${path}' in the second`);
    return fn(x, y);
  });
}
