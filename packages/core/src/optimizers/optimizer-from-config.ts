import { InvalidOptionError } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { isCanonicalClassName } from '../serialization.js';

/** An optimizer as JSON: its registered class name and its `getConfig()` output. */
export interface OptimizerConfig {
  readonly className: string;
  readonly config: tf.serialization.ConfigDict;
}

/**
 * Rebuild an optimizer from `{ className, config }`, the form `getConfig()` and tfjs's
 * `model.save({ includeOptimizer })` use. This is deltaclip's one optimizer vocabulary: train, the
 * CLI and the demo describe optimizers this way. Any class registered with
 * `tf.serialization.registerClass` works, deltaclip's and tfjs's own. deltaclip's optimizers are
 * registered as `deltaclip.<Name>`; the unprefixed names of earlier versions still load.
 *
 * ```ts
 * const opt = optimizerFromConfig({ className: 'deltaclip.DeltaGClip', config: { learningRate: 0.1, gamma: 1, delta: 0.1 } });
 * ```
 */
export function optimizerFromConfig(spec: OptimizerConfig): tf.Optimizer {
  if (typeof spec !== 'object' || spec === null || typeof spec.className !== 'string') {
    throw new InvalidOptionError(
      `an optimizer is described as { className, config } (got ${JSON.stringify(spec)})`,
    );
  }
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const entry = map[spec.className];
  if (entry === undefined) {
    const known = Object.keys(map)
      .filter((name) => {
        const proto = (map[name]![0] as { prototype?: unknown }).prototype;
        return proto instanceof tf.Optimizer && isCanonicalClassName(name);
      })
      .sort();
    throw new InvalidOptionError(
      `unknown optimizer className '${spec.className}' (registered optimizers: ${known.join(', ')})`,
    );
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, spec.config ?? {}) as tf.Optimizer;
}
