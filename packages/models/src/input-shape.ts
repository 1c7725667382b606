import { formatShape } from '@deltaclip/utils';
import type * as tf from '@tensorflow/tfjs-core';
import { InputShapeError } from './errors.js';

/**
 * Checks `x.shape` against `expected`, where a string entry is a free dimension shown by that name
 * (`'N'`) and a number must match exactly. Throws an {@link InputShapeError} such as
 * `mlp.apply: expected input of shape [N, 4] (got [2, 3])`.
 */
export function requireShape(
  where: string,
  what: string,
  x: tf.Tensor,
  expected: readonly (number | string)[],
): void {
  const ok =
    x.shape.length === expected.length &&
    expected.every((d, i) => typeof d === 'string' || x.shape[i] === d);
  if (!ok) {
    throw new InputShapeError(
      `${where}: expected ${what} of shape [${expected.join(', ')}] (got ${formatShape(x.shape)})`,
    );
  }
}
