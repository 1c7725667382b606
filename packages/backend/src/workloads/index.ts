/**
 * Reference training workloads: small models with deterministic weights and data (an MLP, a conv
 * net, an embedding + attention model) that the backend conformance suite trains on every backend
 * and the benchmarks time, and the reference MLP's independent float64 implementation. No vitest
 * needed.
 */
export { float64MlpLossCurve } from './float64-mlp.js';
export { type MlpProblem, type MlpShape, mlpActivation } from './mlp.js';
export {
  createReferenceTraining,
  type DeltaGClipSettings,
  REFERENCE_MODELS,
  type ReferenceModel,
  type ReferencePreset,
  type ReferenceTraining,
  type ReferenceTrainingOptions,
  referenceLossCurve,
  referenceMlpSetup,
} from './reference-training.js';
