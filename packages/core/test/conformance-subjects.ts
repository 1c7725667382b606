import {
  adam,
  chain,
  clipByGlobalNorm,
  deltaGClip,
  momentum,
  scaleByLearningRate,
  sgd,
  TransformOptimizer,
} from '../src/index.js';
import {
  cosineSchedule,
  joinSchedules,
  linearWarmupSchedule,
  stepDecaySchedule,
} from '../src/schedules/schedules.js';
import type { ConformanceSubject } from '../src/testing/conformance.js';
import { referenceSgd } from '../src/testing/reference.js';
import { CLIPPING_SUBJECTS } from '../src/testing/subjects.js';

/** The optimizers every backend's conformance run checks (Node cpu here, webgl in test/browser). */
export const CONFORMANCE_SUBJECTS: readonly ConformanceSubject[] = [
  // The clipping optimizers every backend package runs too (one list, in @deltaclip/core/testing).
  ...CLIPPING_SUBJECTS,
  {
    name: 'deltaGClip with coupled weight decay and a schedule',
    create: () =>
      deltaGClip({
        learningRate: 0.2,
        gamma: 0.5,
        delta: 0.05,
        weightDecay: 1e-3,
        schedule: stepDecaySchedule({ boundaries: [30], factor: 0.5 }),
      }),
  },
  {
    name: 'TransformOptimizer(chain(clipByGlobalNorm, scaleByLearningRate))',
    create: () => new TransformOptimizer(chain(clipByGlobalNorm(1), scaleByLearningRate(0.2))),
    // No guard in this chain: NaN passes through like in plain tfjs optimizers.
    skipsNonFinite: false,
    reference: () => referenceSgd({ learningRate: 0.2, clipNorm: 1 }),
  },
  {
    name: 'sgd with coupled weight decay and warm-up then cosine',
    create: () =>
      sgd({
        learningRate: 0.2,
        weightDecay: 1e-2,
        schedule: joinSchedules(
          [
            linearWarmupSchedule({ warmupSteps: 5, start: 0.1 }),
            cosineSchedule({ decaySteps: 30, alpha: 0.1 }),
          ],
          [5],
        ),
      }),
  },
  {
    name: 'momentum (nesterov)',
    create: () => momentum({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
  },
  {
    name: 'momentum with clipNorm and coupled weight decay',
    create: () => momentum({ learningRate: 0.05, momentum: 0.5, clipNorm: 0.5, weightDecay: 1e-2 }),
  },
  {
    name: 'adam with decoupled weight decay and clipNorm (AdamW + clipping)',
    create: () =>
      adam({ learningRate: 0.05, clipNorm: 1, weightDecay: 1e-3, decoupledWeightDecay: true }),
  },
];
