import { describeValue, InvalidOptionError } from '@deltaclip/utils';

/** A model's variable-name prefix: a non-empty string not ending in '/', or undefined for the default. */
export function requirePrefix(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.endsWith('/')) {
    throw new InvalidOptionError(
      `prefix must be a non-empty string not ending in '/' (got ${describeValue(value)})`,
    );
  }
  return value;
}
