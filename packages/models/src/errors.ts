import { DeltaclipError } from '@deltaclip/utils';

/**
 * Thrown by `setWeights` when the given weights do not fit the model. Nothing has been assigned
 * when it is thrown. Lists every problem so that a bad checkpoint is diagnosed in one go.
 */
export class WeightsMismatchError extends DeltaclipError {
  override readonly name = 'WeightsMismatchError';
  readonly code = 'WEIGHTS_MISMATCH';

  constructor(
    readonly modelName: string,
    /** Weights the model has and the input lacks, as `name [shape]`. */
    readonly missing: readonly string[],
    /** Names in the input that the model does not have (or has twice in the input). */
    readonly unexpected: readonly string[],
    /** One line per weight whose shape or value count does not match. */
    readonly mismatched: readonly string[],
  ) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${list(missing)}`);
    if (unexpected.length > 0) parts.push(`unexpected ${list(unexpected)}`);
    if (mismatched.length > 0) parts.push(list(mismatched));
    super(
      `setWeights: the weights do not fit model '${modelName}': ${parts.join('; ')}. ` +
        'Pass the output of getWeights() from a model built with the same config (names are relative to the prefix). Nothing was changed.',
    );
  }
}

/** Thrown when a model's variable names would collide with variables already registered in tfjs. */
export class VariableNameCollisionError extends DeltaclipError {
  override readonly name = 'VariableNameCollisionError';
  readonly code = 'VARIABLE_NAME_COLLISION';

  constructor(
    readonly prefix: string,
    readonly existing: string,
  ) {
    super(
      `Cannot create model variables with prefix '${prefix}': variable '${existing}' already exists (another live model uses this prefix). ` +
        'Give each model its own prefix (config.prefix), leave prefix unset to get a free one, or dispose the other model first.',
    );
  }
}

/** Thrown by `apply`, `encode`, `decode`, ... when an input tensor has the wrong rank or size. */
export class InputShapeError extends DeltaclipError {
  override readonly name = 'InputShapeError';
  readonly code = 'INPUT_SHAPE';
}

const SHOWN = 8;

function list(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN).join(', ');
  return items.length > SHOWN ? `${shown} and ${items.length - SHOWN} more` : shown;
}
