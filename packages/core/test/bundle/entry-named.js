// An app that imports only the deserializers: nothing names a transform or optimizer class.
import '@tensorflow/tfjs-backend-cpu';
import { optimizerFromConfig, TransformOptimizer } from '@deltaclip/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registeredNames, reload } from './registered.js';

export async function run(saved) {
  const fromTransform = TransformOptimizer.fromConfig(TransformOptimizer, {
    transform: {
      kind: 'applyIfFinite',
      mode: 'skip',
      inner: {
        kind: 'chain',
        transforms: [
          { kind: 'deltaGClipScale', gamma: 1, delta: 0.1 },
          {
            kind: 'scaleByLearningRate',
            learningRate: 0.5,
            schedule: { kind: 'constant', value: 1 },
          },
        ],
      },
    },
  });
  const fromName = optimizerFromConfig({
    className: 'deltaclip.DeltaGClip',
    config: { learningRate: 0.1, gamma: 2, delta: 0.01 },
  });
  return {
    registered: registeredNames(),
    transformConfig: fromTransform.getConfig(),
    fromName: { className: fromName.getClassName(), config: fromName.getConfig() },
    reloaded: await reload(tfl, saved),
  };
}
