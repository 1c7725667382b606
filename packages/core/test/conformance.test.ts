import * as tf from '@tensorflow/tfjs-core';
import {
  adam,
  chain,
  clipByGlobalNorm,
  deltaGClip,
  deltaGClipPerTensor,
  gClip,
  momentum,
  scaleByLearningRate,
  sgd,
  TransformOptimizer,
  withGlobalNormClipping,
} from '../src/index.js';
import { stepDecay } from '../src/schedules/schedules.js';
import { describeOptimizerConformance } from '../src/testing/conformance.js';

describeOptimizerConformance({
  name: 'deltaGClip',
  create: () => deltaGClip({ learningRate: 0.2, gamma: 0.5, delta: 0.05 }),
});
describeOptimizerConformance({
  name: 'deltaGClip with coupled weight decay and a schedule',
  create: () =>
    deltaGClip({
      learningRate: 0.2,
      gamma: 0.5,
      delta: 0.05,
      weightDecay: 1e-3,
      schedule: stepDecay({ boundaries: [30], factor: 0.5 }),
    }),
});
describeOptimizerConformance({
  name: 'gClip',
  create: () => gClip({ learningRate: 0.2, gamma: 0.5 }),
});
describeOptimizerConformance({
  name: 'deltaGClipPerTensor with decoupled weight decay',
  create: () =>
    deltaGClipPerTensor({
      learningRate: 0.2,
      gamma: 0.5,
      delta: 0.05,
      weightDecay: 1e-3,
      decoupledWeightDecay: true,
    }),
});
describeOptimizerConformance({
  name: 'TransformOptimizer(chain(clipByGlobalNorm, scaleByLearningRate))',
  create: () => new TransformOptimizer(chain(clipByGlobalNorm(1), scaleByLearningRate(0.2))),
  // No guard in this chain: NaN passes through like in plain tfjs optimizers.
  skipsNonFinite: false,
});
describeOptimizerConformance({
  name: 'withGlobalNormClipping(tf.train.adam)',
  create: () => withGlobalNormClipping(tf.train.adam(0.05), 1),
  // 'skip' on a wrapped optimizer reads one boolean per step (documented).
  syncFree: false,
  resumeTolerance: 1e-6,
});
describeOptimizerConformance({
  // (tf.train.momentum would fail the leak check on its own: its dispose() frees neither its
  // learning-rate scalar nor calls SGD's dispose, in tfjs-core 4.22.)
  name: "withGlobalNormClipping(tf.train.sgd, nonFinite: 'apply')",
  create: () => withGlobalNormClipping(tf.train.sgd(0.1), 1, { nonFinite: 'apply' }),
  skipsNonFinite: false,
});
describeOptimizerConformance({
  name: 'sgd with clipNorm',
  create: () => sgd({ learningRate: 0.2, clipNorm: 1 }),
});
describeOptimizerConformance({
  name: 'momentum (nesterov)',
  create: () => momentum({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
});
describeOptimizerConformance({
  name: 'adam with decoupled weight decay and clipNorm (AdamW + clipping)',
  create: () =>
    adam({ learningRate: 0.05, clipNorm: 1, weightDecay: 1e-3, decoupledWeightDecay: true }),
});
