import { requireInteger, requireOneOf } from '@deltaclip/core';

/**
 * Rejects config fields a model does not know, so a typo (`hiddenSizes` for `hidden`) fails loudly
 * instead of silently using a default.
 */
export function rejectUnknownFields(
  kind: string,
  config: object,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new RangeError(
        `${kind} config has no field '${key}' (allowed: ${allowed.map((a) => `'${a}'`).join(', ')})`,
      );
    }
  }
}

/** A non-empty (unless `allowEmpty`) array of integers >= `min`, copied. */
export function requireIntegerArray(
  name: string,
  value: unknown,
  min: number,
  allowEmpty = false,
): number[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    throw new RangeError(
      `${name} must be ${allowEmpty ? 'an' : 'a non-empty'} array of integers >= ${min} (got ${JSON.stringify(value)})`,
    );
  }
  return value.map((v, i) => requireInteger(`${name}[${i}]`, v, min));
}

export function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new RangeError(`${name} must be true or false (got ${JSON.stringify(value)})`);
  }
  return value;
}

export function requirePrefix(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.endsWith('/')) {
    throw new RangeError(
      `prefix must be a non-empty string not ending in '/' (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

export { requireOneOf };
