/**
 * Test utilities for optimizers, shared with the backend adapters: the conformance suite every
 * deltaclip optimizer passes on every backend, and a counter of device-to-host reads.
 * Requires vitest.
 */
export { countBackendReads, type ReadCounts } from './backend-reads.js';
export { type ConformanceSubject, describeOptimizerConformance } from './conformance.js';
