/**
 * @deltaclip/plstar — PL* analysis for TensorFlow.js models and the δ-GClip convergence certificate.
 *
 * Measure: {@link trajectoryMu} (mu_t = ||grad L||^2 / 2L), {@link tangentKernel} (K = J J^T and its
 * spectrum), {@link topHessianEigenvalue} (beta from Hessian-vector products), {@link WeightSnapshot}
 * (||w_t - w_0||). Judge: {@link certify} / {@link certifyRun} (verdict `fails`, `vacuous` or
 * `informative`) and {@link adviseDelta}; cost a kernel-full analysis with {@link chooseKernelSamples}. Run: {@link analyzePlStar} at
 * given weights, {@link createPlStarMonitor} along training. A tf.LayersModel: {@link fromLayersModel}
 * (one adapter) and {@link plStarCallback} for `model.fit`; `@deltaclip/plstar/node` loads a saved
 * model.json.
 */

/** The convention type, for convenience: its one definition (and its helpers) is in @deltaclip/utils. */
export type { SquareLossConvention } from '@deltaclip/utils';
export {
  type AnalysisContext,
  type AnalysisResult,
  analyzePlStar,
  type HessianRecord,
  type KernelRecord,
  type PlStarAnalysisOptions,
  type PlStarRecord,
} from './analyze.js';
export {
  type Certificate,
  type CertificateCheck,
  type CertificateConstants,
  type CertificateInput,
  type CertificateSummary,
  type CertifiedMethod,
  type CheckName,
  certify,
  describeBeta,
  describeMu,
  type Envelope,
  fmtFromLog,
  MU_SOURCES,
  type MuSource,
  type StepLike,
  summarizeCertificate,
  VACUOUS_RADIUS_RATIO,
  VACUOUS_TIGHTNESS,
  type Verdict,
} from './certificate.js';
export {
  type Coverage,
  certificateCoverage,
  certifyRun,
  type NotCovered,
  type OptimizerDescription,
} from './coverage.js';
export {
  adviseDelta,
  type DeltaAdvice,
  type DeltaAdviceInput,
  type DeltaMode,
  type DeltaRecommendation,
} from './delta-advisor.js';
export { WeightSnapshot } from './distance.js';
export {
  ConcurrentObservationError,
  MonitorDisposedError,
  SecondOrderUnsupportedError,
} from './errors.js';
export {
  describeFitOptimizer,
  type FitOptimizer,
  type PlStarCallback,
  type PlStarCallbackOptions,
  type PlStarFitResult,
  plStarCallback,
} from './fit-callback.js';
export { fmt as formatNumber } from './format.js';
export { gramMatrix } from './gram.js';
export { type TopEigenvalue, type TopEigenvalueOptions, topHessianEigenvalue } from './hessian.js';
export {
  DEFAULT_RELATIVE_STEP,
  finiteDifferenceHessianVectorProduct,
  HVP_METHODS,
  type HvpMethod,
  type HvpOptions,
  hessianVectorProduct,
} from './hvp.js';
export { type JacobianOptions, type JacobianRows, jacobianRows } from './jacobian.js';
export {
  chooseKernelSamples,
  KERNEL_COST_DEFAULTS,
  type KernelChoice,
  type KernelChoiceInput,
  type KernelCost,
  type KernelCostInput,
  kernelAnalysisCost,
} from './kernel-cost.js';
export {
  type FromLayersModelOptions,
  fromLayersModel,
  type LayersModelAnalysis,
  type LayersModelLike,
} from './layers-model.js';
export type { LossFn, PlStarModel } from './model.js';
export {
  certificateInputsFromRecords,
  createPlStarMonitor,
  type MonitorCertificateInputs,
  type PlStarMonitor,
  type PlStarMonitorOptions,
  type PlStarSummary,
} from './monitor.js';
export type { DistancePoint, LossPoint, MuPoint } from './points.js';
export type { SampleSelection } from './sample-selection.js';
export {
  exactHessianVectorProduct,
  REREGISTERED_GRADIENTS,
  withInputBasedGradients,
} from './second-order.js';
export { type Spectrum, symmetricSpectrum } from './spectrum.js';
export { type Distribution, distribution } from './statistics.js';
export {
  kernelImpliedMu,
  kernelRelativeChange,
  type TangentKernel,
  tangentKernel,
} from './tangent-kernel.js';
export { muDistribution, type TrajectoryMu, trajectoryMu } from './trajectory-mu.js';
