import { rngFor } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { VariableNameCollisionError } from './errors.js';
import { type Init, initialValues } from './init.js';

/**
 * Creates and owns a model's variables. Each variable is registered in tfjs as
 * `${prefix}/${name}` and initialized from `rngFor(seed, name)` — its relative name — so the
 * initial value does not depend on the prefix or on the order of creation.
 */
export class ParameterStore {
  readonly trainable: tf.Variable[] = [];
  readonly state: tf.Variable[] = [];
  private readonly relative = new Map<tf.Variable, string>();

  constructor(
    readonly prefix: string,
    readonly seed: number,
  ) {}

  /** A trainable variable. */
  weight(name: string, shape: readonly number[], init: Init): tf.Variable {
    return this.create(name, shape, init, true);
  }

  /** A non-trainable state variable (e.g. batch-norm running statistics). */
  stateVariable(name: string, shape: readonly number[], init: Init): tf.Variable {
    return this.create(name, shape, init, false);
  }

  /** The variable's name relative to the prefix. */
  relativeName(variable: tf.Variable): string {
    const name = this.relative.get(variable);
    if (name === undefined)
      throw new Error(`Variable '${variable.name}' is not owned by this model`);
    return name;
  }

  dispose(): void {
    for (const v of [...this.trainable, ...this.state]) v.dispose();
    this.trainable.length = 0;
    this.state.length = 0;
    this.relative.clear();
  }

  private create(
    name: string,
    shape: readonly number[],
    init: Init,
    trainable: boolean,
  ): tf.Variable {
    const fullName = `${this.prefix}/${name}`;
    if (tf.engine().registeredVariables[fullName] !== undefined) {
      throw new VariableNameCollisionError(this.prefix, fullName);
    }
    const size = shape.reduce((p, d) => p * d, 1);
    const values = initialValues(init, size, rngFor(this.seed, name));
    const variable = tf.tidy(() =>
      tf.variable(tf.tensor(values, [...shape], 'float32'), trainable, fullName),
    );
    (trainable ? this.trainable : this.state).push(variable);
    this.relative.set(variable, name);
    return variable;
  }
}

/**
 * The prefix to use: the requested one (which must be free), or the first free one among
 * `fallback`, `fallback_1`, `fallback_2`, ... A prefix is free when no registered variable name
 * starts with `${prefix}/`.
 */
export function resolvePrefix(requested: string | undefined, fallback: string): string {
  const names = Object.keys(tf.engine().registeredVariables);
  const holder = (prefix: string): string | undefined =>
    names.find((n) => n.startsWith(`${prefix}/`));
  if (requested !== undefined) {
    const existing = holder(requested);
    if (existing !== undefined) throw new VariableNameCollisionError(requested, existing);
    return requested;
  }
  if (holder(fallback) === undefined) return fallback;
  for (let i = 1; ; i++) {
    const candidate = `${fallback}_${i}`;
    if (holder(candidate) === undefined) return candidate;
  }
}
