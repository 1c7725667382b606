/**
 * Which failures are the user's (one line, exit 2) and which are deltaclip's own bugs (exit 1,
 * "this is a bug", the stack with --debug). A plain TypeError or RangeError is a bug: every
 * package reports bad input through @deltaclip/utils' DeltaclipError or InvalidOptionError.
 */
import { DeltaclipError, InvalidOptionError } from '@deltaclip/utils';

/** Errors some packages still throw by name only (not yet on DeltaclipError), all about input. */
const USER_ERROR_NAMES = new Set([
  'UsageError',
  'DatasetFormatError',
  'DatasetNotFoundError',
  'CheckpointError',
  'BackendUnavailableError',
  'WeightsMismatchError',
  'NonFiniteGradientError',
]);

export function isUserError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const verdict = (error as { userError?: unknown }).userError;
  if (typeof verdict === 'boolean') return verdict; // decided where it happened (a worker)
  if (DeltaclipError.is(error) || InvalidOptionError.is(error)) return true;
  return USER_ERROR_NAMES.has(String((error as { name?: unknown }).name));
}

/**
 * Set DELTACLIP_INJECT_FAULT=<place> to throw a plain TypeError there, standing in for a bug: the
 * tests use it to check, on the real built process, that a bug exits 1 with "this is a bug".
 * Places: `main` (before the command runs) and `worker` (inside a compare/reproduce worker).
 */
export function injectedFault(place: 'main' | 'worker'): void {
  if (process.env.DELTACLIP_INJECT_FAULT === place) {
    throw new TypeError(`injected fault at '${place}' (DELTACLIP_INJECT_FAULT)`);
  }
}

/** What the user sees for an error: one line for theirs, a bug notice for ours. */
export function errorReport(error: unknown, debug: boolean): { text: string; code: number } {
  const e = error instanceof Error ? error : new Error(String(error));
  const stack = (e as { workerStack?: string }).workerStack ?? e.stack;
  if (isUserError(e)) {
    return { text: `deltaclip: ${e.message}\n${debug && stack ? `${stack}\n` : ''}`, code: 2 };
  }
  const lines = [
    `deltaclip: internal error (this is a bug): ${e.name}: ${e.message}`,
    debug && stack
      ? stack
      : 'Run the same command with --debug to print the stack trace, and include it when you report the bug.',
  ];
  return { text: `${lines.join('\n')}\n`, code: 1 };
}
