export { DeltaclipError } from './errors.js';
export {
  type GradientRegistry,
  GradientsNotRegisteredError,
  gradientsRegistered,
  requireGradients,
} from './gradients.js';
export {
  CLASS_COLORS,
  classColor,
  OPTIMIZER_COLORS,
  type OptimizerFamily,
  REFERENCE_LINE,
  REGIME_COLORS,
  type Regime,
  TEST_CURVE_DASH,
  VERDICT_COLORS,
} from './palette.js';
export {
  deriveSeed,
  permutation,
  Rng,
  rngFor,
  type StreamKey,
} from './random.js';
export { formatShape } from './shape.js';
export {
  convertMu,
  describeSquareLoss,
  HALF_SUM,
  kernelFactor,
  MEAN,
  muFromTangentKernel,
  REDUCTIONS,
  type Reduction,
  SQUARE_LOSS_NAMES,
  type SquareLossConvention,
  type SquareLossName,
  squareLossFromName,
  squareLossName,
  squareLossScale,
  validateSquareLoss,
} from './square-loss.js';
export {
  describeValue,
  InvalidOptionError,
  rejectUnknownFields,
  requireBoolean,
  requireFiniteNumber,
  requireInRange,
  requireInteger,
  requireIntegerArray,
  requireNonNegative,
  requireOneOf,
  requirePositive,
  requireSeed,
} from './validate.js';
