import * as tf from '@tensorflow/tfjs-core';
import { OptimizerStateError } from './errors.js';
import type { TransformState } from './types.js';

/** The empty state of a stateless transform. */
export const EMPTY_STATE: TransformState = Object.freeze({});

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/**
 * Path segments are URI-encoded so that keys containing '/' (variable names such as
 * 'dense_Dense1/kernel', used as keys of per-variable state) stay one segment.
 */
function join(prefix: string, key: string): string {
  const segment = encodeURIComponent(key);
  return prefix === '' ? segment : `${prefix}/${segment}`;
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
  for (const [key, child] of entries) out.push(...flattenState(child, join(prefix, key)));
  return out;
}

/** Rebuild a state tree with the same shape as `like`, mapping each tensor leaf. */
export function mapState(
  like: TransformState,
  fn: (tensor: tf.Tensor, path: string) => tf.Tensor,
  prefix = '',
): TransformState {
  if (isTensor(like)) return fn(like, prefix);
  if (Array.isArray(like)) {
    return (like as readonly TransformState[]).map((s, i) =>
      mapState(s, fn, join(prefix, String(i))),
    );
  }
  const out: Record<string, TransformState> = {};
  for (const key of Object.keys(like)) {
    out[key] = mapState((like as Record<string, TransformState>)[key]!, fn, join(prefix, key));
  }
  return out;
}

/**
 * Rebuild a state tree from saved leaves (path -> tensor), guided by `template` for its arrays and
 * fixed keys. Objects also take keys that only the saved leaves have: per-variable state (keyed by
 * variable name) exists only for the variables seen before saving. Throws if a template leaf has
 * no saved value.
 */
export function restoreState(
  template: TransformState,
  saved: ReadonlyMap<string, tf.Tensor>,
  onLeaf: (saved: tf.Tensor, path: string, like: tf.Tensor | undefined) => tf.Tensor,
  prefix = '',
): TransformState {
  if (isTensor(template)) {
    const value = saved.get(prefix);
    if (value === undefined) throw new Error(`no saved value for state '${prefix}'`);
    return onLeaf(value, prefix, template);
  }
  if (Array.isArray(template)) {
    return (template as readonly TransformState[]).map((s, i) =>
      restoreState(s, saved, onLeaf, join(prefix, String(i))),
    );
  }
  const out: Record<string, TransformState> = {};
  const fixed = template as Record<string, TransformState>;
  for (const key of Object.keys(fixed)) {
    out[key] = restoreState(fixed[key]!, saved, onLeaf, join(prefix, key));
  }
  const head = prefix === '' ? '' : `${prefix}/`;
  for (const [path, value] of saved) {
    if (!path.startsWith(head)) continue;
    const rest = path.slice(head.length);
    if (rest === '' || rest.includes('/')) continue;
    const key = decodeURIComponent(rest);
    if (!(key in out)) out[key] = onLeaf(value, path, undefined);
  }
  return out;
}

/**
 * Combine two state trees leaf by leaf, shaped like `a`. A leaf of `a` missing from `b` is new
 * per-variable state created this step; per-variable state starts at zero (a contract of this
 * package's transforms), so it is paired with zeros.
 */
export function zipState(
  a: TransformState,
  b: TransformState,
  fn: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): TransformState {
  const leavesB = new Map(flattenState(b).map((e) => [e.path, e.tensor]));
  return mapState(a, (x, path) => fn(x, leavesB.get(path) ?? tf.zerosLike(x)));
}

/**
 * The per-variable state entry of slot `slot` from `dict`, or zeros shaped like the variable when
 * there is none yet. Throws when the stored entry has another shape: the variables were passed in a
 * different order than when the state was created.
 */
export function slotState(
  dict: { readonly [slot: string]: tf.Tensor },
  slot: number,
  variable: tf.Variable,
  what: string,
): tf.Tensor {
  const stored = dict[String(slot)];
  if (stored === undefined) return tf.zerosLike(variable);
  if (!tf.util.arraysEqual(stored.shape, variable.shape)) {
    throw new OptimizerStateError(
      `${what} for variable #${slot} has shape [${stored.shape}] but '${variable.name}' has shape [${variable.shape}]: ` +
        'per-variable optimizer state follows the order of the variables given to applyGradients, and that order changed',
    );
  }
  return stored;
}
