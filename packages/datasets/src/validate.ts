/**
 * Option checks. Each throws a RangeError that names the option, the value received and what is
 * allowed, in the house style `RangeError: batchSize must be an integer >= 1 (got 0)`.
 * (The same wording as @deltaclip/core's helpers; this package depends on tfjs-core only.)
 */

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

export function requireFiniteNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number (got ${describe(value)})`);
  }
  return value;
}

export function requirePositive(name: string, value: unknown): number {
  const v = requireFiniteNumber(name, value);
  if (!(v > 0)) throw new RangeError(`${name} must be > 0 (got ${describe(value)})`);
  return v;
}

export function requireNonNegative(name: string, value: unknown): number {
  const v = requireFiniteNumber(name, value);
  if (!(v >= 0)) throw new RangeError(`${name} must be >= 0 (got ${describe(value)})`);
  return v;
}

export function requireInteger(name: string, value: unknown, min: number): number {
  const v = requireFiniteNumber(name, value);
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`${name} must be an integer >= ${min} (got ${describe(value)})`);
  }
  return v;
}

export function requireInRange(name: string, value: unknown, lo: number, hi: number): number {
  const v = requireFiniteNumber(name, value);
  if (!(v >= lo && v <= hi)) {
    throw new RangeError(`${name} must be in [${lo}, ${hi}] (got ${describe(value)})`);
  }
  return v;
}

export function requireOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${describe(value)})`,
    );
  }
  return value as T;
}

/** A seed: an integer in [0, 2^53). */
export function requireSeed(name: string, value: unknown): number {
  const v = requireInteger(name, value, 0);
  if (v > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`${name} must be an integer in [0, 2^53) (got ${describe(value)})`);
  }
  return v;
}
