// What a bundled app can see of core's registration, read through tfjs-core only.
import * as tf from '@tensorflow/tfjs-core';

export const PREFIXED = [
  'deltaclip.Transform',
  'deltaclip.DeltaGClip',
  'deltaclip.GClip',
  'deltaclip.DeltaGClipPerTensor',
  'deltaclip.SGD',
  'deltaclip.Momentum',
  'deltaclip.Adam',
];

export function registeredNames() {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  return [...PREFIXED, 'DeltaGClip', 'DeltaClipAdam'].filter((name) => map[name] !== undefined);
}

/** Reload a layers model saved with includeOptimizer (weightData passed as a plain array). */
export async function reload(tfl, saved) {
  await tf.setBackend('cpu');
  const artifacts = { ...saved, weightData: new Uint8Array(saved.weightData).buffer };
  const model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  const optimizer = model.optimizer;
  return {
    className: optimizer.getClassName(),
    config: optimizer.getConfig(),
    iterations: optimizer.iterations,
    optimizerWeights: (await optimizer.getWeights()).map((w) => w.name),
  };
}
