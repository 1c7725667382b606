import { DeltaclipError } from '@deltaclip/utils';

/** The run's loss cannot be computed on its data or model; raised before the first step. */
export class LossTaskMismatchError extends DeltaclipError {
  override readonly name = 'LossTaskMismatchError';
  readonly code = 'LOSS_TASK_MISMATCH';
}
