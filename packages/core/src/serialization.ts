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

/**
 * The className an optimizer class name loads as: `deltaclip.DeltaGClip` for the `DeltaGClip` of
 * earlier versions, the name itself for any other (registered or not). Compare class names
 * through this so that specs written with either spelling agree.
 */
export function canonicalClassName(name: string): string {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name];
  const className = (entry?.[0] as { className?: unknown } | undefined)?.className;
  return typeof className === 'string' ? className : name;
}
