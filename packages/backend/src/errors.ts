import { DeltaclipError } from '@deltaclip/utils';

/**
 * A backend that cannot be used here. `reason` says what is missing or failed, `fix` lists the
 * steps (install command, system requirements, environment variables); the message has both.
 */
export class BackendUnavailableError extends DeltaclipError {
  override readonly name = 'BackendUnavailableError';
  readonly code = 'BACKEND_UNAVAILABLE';

  constructor(
    /** Name of the backend, e.g. `node-gpu` (`auto` when no candidate could be used). */
    readonly backend: string,
    readonly reason: string,
    readonly fix: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `Backend '${backend}' is not available: ${reason}${
        fix.length > 0 ? `\nTo fix it:\n${formatSteps(fix, '  ')}` : ''
      }`,
      options,
    );
  }
}

/**
 * tfjs's gradients could not be registered with the tfjs-core in use (they went to another copy):
 * `tf.grad` and every optimizer would fail, so `useBackend` refuses to go on.
 */
export class GradientRegistrationError extends DeltaclipError {
  override readonly name = 'GradientRegistrationError';
  readonly code = 'GRADIENT_REGISTRATION_FAILED';
}

/** The first line of an error's message, or the value as text: short reasons, no stack traces. */
export function firstLine(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message
      : typeof error === 'object' && error !== null && 'message' in error
        ? String((error as { message: unknown }).message)
        : String(error);
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}

/**
 * Fix steps as a list: `- step` per step, and steps that start with two spaces (the details of
 * the step above them, such as environment variables) indented under it.
 */
export function formatSteps(steps: readonly string[], indent: string): string {
  return steps
    .map((step) => (step.startsWith('  ') ? `${indent}    ${step.trim()}` : `${indent}- ${step}`))
    .join('\n');
}
