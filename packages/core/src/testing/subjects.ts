import { deltaGClip, deltaGClipPerTensor, gClip } from '../optimizers/delta-gclip.js';
import type { ConformanceSubject } from './conformance.js';

/**
 * The clipping optimizers every backend must run: δ-GClip through all three regimes, GClip, and
 * the per-tensor variant with decoupled weight decay. Core runs them on its own backend; the
 * backend packages run the same list on theirs (one list, so a subject added here is tested
 * everywhere).
 */
export const CLIPPING_SUBJECTS: readonly ConformanceSubject[] = [
  {
    name: 'deltaGClip',
    create: () => deltaGClip({ learningRate: 0.2, gamma: 0.5, delta: 0.05 }),
  },
  {
    name: 'gClip',
    create: () => gClip({ learningRate: 0.2, gamma: 0.5 }),
  },
  {
    name: 'deltaGClipPerTensor with decoupled weight decay',
    create: () =>
      deltaGClipPerTensor({
        learningRate: 0.2,
        gamma: 0.5,
        delta: 0.05,
        weightDecay: 1e-3,
        decoupledWeightDecay: true,
      }),
  },
];
