import { expect } from 'vitest';
import { BackendUnavailableError } from '../errors.js';

/**
 * The BackendUnavailableError a promise rejects with; fails the test if it resolves or rejects
 * with anything else. For adapter tests: `expect((await unavailable(useBackend(x))).reason)...`.
 */
export async function unavailable(promise: Promise<unknown>): Promise<BackendUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendUnavailableError);
  return error as BackendUnavailableError;
}
