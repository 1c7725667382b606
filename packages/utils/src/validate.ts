/**
 * Option checks shared by every package. Each throws an {@link InvalidOptionError} (a RangeError)
 * that names the option, the value received and what is allowed, in the house style
 * `RangeError: gamma must be > 0 (got -1)`.
 */

const INVALID_OPTION = Symbol.for('@deltaclip/utils/invalid-option');

/**
 * A value given by the caller is out of range or of the wrong type. It is a RangeError (and prints
 * as one), with `code = 'INVALID_OPTION'`, so an app can tell a user's bad value from an internal
 * bug (a plain RangeError or TypeError): `InvalidOptionError.is(error)`. Throw it for any
 * user-facing validation, not only through the helpers below.
 */
export class InvalidOptionError extends RangeError {
  override readonly name = 'RangeError';
  readonly code = 'INVALID_OPTION';
  readonly [INVALID_OPTION] = true;

  /** Whether `value` is an InvalidOptionError, from any copy of this package. */
  static is(value: unknown): value is InvalidOptionError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[INVALID_OPTION] === true
    );
  }
}

/** A value as it appears in an error message: strings quoted, everything else as JSON or text. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

export function requireFiniteNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidOptionError(`${name} must be a finite number (got ${describeValue(value)})`);
  }
  return value;
}

export function requirePositive(name: string, value: unknown): number {
  const v = requireFiniteNumber(name, value);
  if (!(v > 0)) throw new InvalidOptionError(`${name} must be > 0 (got ${describeValue(value)})`);
  return v;
}

export function requireNonNegative(name: string, value: unknown): number {
  const v = requireFiniteNumber(name, value);
  if (!(v >= 0)) throw new InvalidOptionError(`${name} must be >= 0 (got ${describeValue(value)})`);
  return v;
}

export function requireInteger(name: string, value: unknown, min: number): number {
  const v = requireFiniteNumber(name, value);
  if (!Number.isInteger(v) || v < min) {
    throw new InvalidOptionError(
      `${name} must be an integer >= ${min} (got ${describeValue(value)})`,
    );
  }
  return v;
}

export function requireInRange(name: string, value: unknown, lo: number, hi: number): number {
  const v = requireFiniteNumber(name, value);
  if (!(v >= lo && v <= hi)) {
    throw new InvalidOptionError(`${name} must be in [${lo}, ${hi}] (got ${describeValue(value)})`);
  }
  return v;
}

export function requireOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidOptionError(
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${describeValue(value)})`,
    );
  }
  return value as T;
}

export function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(`${name} must be true or false (got ${describeValue(value)})`);
  }
  return value;
}

/** A seed: an integer in [0, 2^53). */
export function requireSeed(name: string, value: unknown): number {
  const v = requireInteger(name, value, 0);
  if (v > Number.MAX_SAFE_INTEGER) {
    throw new InvalidOptionError(
      `${name} must be an integer in [0, 2^53) (got ${describeValue(value)})`,
    );
  }
  return v;
}

/** A non-empty (unless `allowEmpty`) array of integers >= `min`, copied. */
export function requireIntegerArray(
  name: string,
  value: unknown,
  min: number,
  allowEmpty = false,
): number[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    throw new InvalidOptionError(
      `${name} must be ${allowEmpty ? 'an' : 'a non-empty'} array of integers >= ${min} (got ${describeValue(value)})`,
    );
  }
  return value.map((v, i) => requireInteger(`${name}[${i}]`, v, min));
}

/**
 * Rejects fields a config object does not know, so a typo (`hiddenSizes` for `hidden`) fails
 * loudly instead of silently using a default.
 */
export function rejectUnknownFields(
  kind: string,
  config: object,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new InvalidOptionError(
        `${kind} config has no field '${key}' (allowed: ${allowed.map((a) => `'${a}'`).join(', ')})`,
      );
    }
  }
}
