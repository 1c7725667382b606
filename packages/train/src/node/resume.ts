import { DeltaclipError, requireInteger } from '@deltaclip/utils';
import type { CheckpointHeader } from '../checkpoint-format.js';
import type { RunHistory } from '../history.js';
import type { ResumeState, RunSpec } from '../run.js';
import { loadCheckpoint } from './checkpoint.js';

/** A resume asked to change a setting other than the run's length. */
export class ResumeMismatchError extends DeltaclipError {
  override readonly name = 'ResumeMismatchError';
  readonly code = 'RESUME_MISMATCH';
  constructor(
    readonly setting: string,
    readonly stored: unknown,
    readonly requested: unknown,
  ) {
    const values = `(checkpoint: ${JSON.stringify(stored)}, requested: ${JSON.stringify(requested)})`;
    super(
      setting === 'epochs' || setting === 'maxSteps'
        ? `cannot lower ${setting} when resuming ${values}: a resume may only extend a run; start a new run for a shorter one`
        : `cannot change ${setting} when resuming ${values}: only epochs and maxSteps may grow; start a new run for other settings`,
    );
  }
}

/** Read a run's newest valid checkpoint (or a checkpoint folder): its spec and the state to resume from. */
export function readResumeState(path: string): {
  spec: RunSpec;
  resume: ResumeState;
  checkpoint: string;
  /** Damaged newer checkpoints that were skipped, one line each naming the file. */
  warnings: readonly string[];
  /** The backend and checkpoint cadence the run used; a resume reuses them. */
  runtime: NonNullable<CheckpointHeader['runtime']>;
} {
  const loaded = loadCheckpoint<RunSpec, RunHistory>(path);
  return {
    spec: loaded.header.run,
    checkpoint: loaded.path,
    warnings: loaded.warnings,
    runtime: loaded.header.runtime ?? {},
    resume: {
      position: loaded.header.position,
      history: loaded.header.history,
      tensors: loaded.tensors,
    },
  };
}

/** The first path where two JSON values differ, or null. */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`,
      );
      if (d !== null) return d;
    }
    return null;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? null : path;
}

function at(value: unknown, path: string): unknown {
  return path
    .split(/\.|\[|\]/)
    .filter((p) => p !== '')
    .reduce<unknown>(
      (v, k) =>
        typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined,
      value,
    );
}

/**
 * The spec to resume with: the stored one, with `epochs` and `maxSteps` taken from `requested`
 * when given (a larger `epochs` extends a finished run; `maxSteps` is the new total-step limit,
 * and the stored limit, which belonged to the interrupted invocation, is dropped). Any other
 * setting in `requested` that differs from the checkpoint is a ResumeMismatchError naming it.
 */
export function resumeSpec(stored: RunSpec, requested: Partial<RunSpec> = {}): RunSpec {
  const { maxSteps: _previousLimit, ...base } = stored;
  const { epochs, maxSteps, ...others } = requested;
  for (const [key, value] of Object.entries(others)) {
    if (value === undefined) continue;
    const where = firstDifference((stored as unknown as Record<string, unknown>)[key], value, key);
    if (where !== null)
      throw new ResumeMismatchError(where, at(stored, where), at(requested, where));
  }
  if (epochs !== undefined) {
    requireInteger('epochs', epochs, 1);
    if (epochs < stored.epochs) throw new ResumeMismatchError('epochs', stored.epochs, epochs);
  }
  return {
    ...base,
    ...(epochs === undefined ? {} : { epochs }),
    ...(maxSteps === undefined ? {} : { maxSteps: requireInteger('maxSteps', maxSteps, 1) }),
  };
}
