import { DeltaclipError } from '@deltaclip/utils';

/**
 * Thrown by optimizers with `nonFinite: 'throw'` when a gradient contains NaN or Infinity.
 * No variable, no optimizer state and no tensor count has changed when it is thrown.
 */
export class NonFiniteGradientError extends DeltaclipError {
  override readonly name = 'NonFiniteGradientError';
  readonly code = 'NON_FINITE_GRADIENT';

  constructor(
    /** 0-based optimizer step at which the gradient was seen. */
    readonly step: number,
    /** Name of the first variable (in the order given) whose gradient is not finite. */
    readonly variableName: string,
  ) {
    super(
      `Non-finite gradient at step ${step}: the gradient of variable '${variableName}' contains NaN or Infinity. ` +
        "No variable was changed. Lower the learning rate, check the loss for log(0) or division by zero, or use nonFinite: 'skip' to skip such steps.",
    );
  }
}

/** An optimizer's saved weights or config do not fit it (wrong shapes, missing state, unknown class). */
export class OptimizerStateError extends DeltaclipError {
  override readonly name = 'OptimizerStateError';
  readonly code = 'OPTIMIZER_STATE';
}
