import * as tf from '@tensorflow/tfjs-core';

/**
 * Register an optimizer class under its prefixed `className` (`deltaclip.X`, so it cannot collide
 * with another library's `X` in tfjs's one global class map), and make the name it had before the
 * prefix load it too: models and runs saved by earlier versions name `X`. The old name is only
 * claimed while nobody else holds it, so another library that registers `X` keeps it.
 */
export function registerOptimizerClass(
  cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable> & {
    className: string;
  },
  previousName: string,
): void {
  tf.serialization.registerClass(cls);
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  if (map[previousName] === undefined) map[previousName] = [cls, cls.fromConfig];
}

/** Whether `name` is the canonical className of its entry in tfjs's class map (not an alias). */
export function isCanonicalClassName(name: string): boolean {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name];
  return entry !== undefined && (entry[0] as { className?: string }).className === name;
}
