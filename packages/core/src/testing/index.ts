/**
 * Test utilities for optimizers, shared with the backend adapters: the conformance suite every
 * deltaclip optimizer passes on every backend, the independent float64 references it checks
 * against, and a counter of device-to-host reads.
 * Requires vitest.
 */
export { countBackendReads, type ReadCounts } from './backend-reads.js';
export { type ConformanceSubject, describeOptimizerConformance } from './conformance.js';
export {
  type DeltaGClipReferenceOptions,
  maxRelativeError,
  type ReferenceOptimizer,
  referenceAdam,
  referenceDeltaGClip,
  referenceFor,
  referenceMomentum,
  referenceSchedule,
  referenceSgd,
} from './reference.js';
export { CLIPPING_SUBJECTS } from './subjects.js';
