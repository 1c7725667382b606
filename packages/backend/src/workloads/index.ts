/**
 * Reference training workloads: small models with deterministic weights and data (an MLP, a conv
 * net, an embedding + attention model) that the backend conformance suite trains on every backend
 * and the benchmarks time. No vitest needed.
 */
export {
  createReferenceTraining,
  REFERENCE_MODELS,
  type ReferenceModel,
  type ReferencePreset,
  type ReferenceTraining,
  type ReferenceTrainingOptions,
  referenceLossCurve,
} from './reference-training.js';
