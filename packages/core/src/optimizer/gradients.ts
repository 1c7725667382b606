import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from '../types.js';

/** One variable with its gradient, resolved from what was passed to applyGradients. */
export interface VariableGradient {
  readonly name: string;
  /** Position in the list given to applyGradients (null gradients included): the key of per-variable optimizer state. */
  readonly slot: number;
  readonly variable: tf.Variable;
  readonly gradient: tf.Tensor;
}

/**
 * Normalize the two argument forms of `tf.Optimizer.applyGradients` (a map or an array of
 * `{name, tensor}`), drop null/undefined gradients (variables the loss does not depend on), look
 * each variable up by name and check that shapes and dtypes agree.
 */
export function resolveGradients(
  variableGradients: tf.NamedTensorMap | NamedTensor[],
  optimizerName: string,
): VariableGradient[] {
  const pairs: [string, tf.Tensor | null | undefined][] = Array.isArray(variableGradients)
    ? variableGradients.map((v) => [v.name, v.tensor])
    : Object.entries(variableGradients);
  const registered = tf.engine().registeredVariables;
  const out: VariableGradient[] = [];
  for (const [slot, [name, gradient]] of pairs.entries()) {
    if (gradient == null) continue;
    const variable = registered[name];
    if (variable === undefined) {
      throw new Error(
        `${optimizerName}.applyGradients: no variable named '${name}' is registered. ` +
          'Gradients must be keyed by the name of a tf.Variable (variable.name).',
      );
    }
    if (!tf.util.arraysEqual(gradient.shape, variable.shape)) {
      throw new Error(
        `${optimizerName}.applyGradients: the gradient for '${name}' has shape [${gradient.shape}] ` +
          `but the variable has shape [${variable.shape}]`,
      );
    }
    if (gradient.dtype !== 'float32' || variable.dtype !== 'float32') {
      throw new Error(
        `${optimizerName}.applyGradients: '${name}' must be float32 (variable ${variable.dtype}, gradient ${gradient.dtype})`,
      );
    }
    out.push({ name, slot, variable, gradient });
  }
  return out;
}
