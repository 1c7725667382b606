import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  rejectUnknownFields,
  requireBoolean,
  requireFiniteNumber,
  requireInRange,
  requireInteger,
  requireIntegerArray,
  requireNonNegative,
  requireOneOf,
  requirePositive,
  requireSeed,
} from './validate.js';

describe('validation helpers', () => {
  it('return valid values', () => {
    expect(requireFiniteNumber('x', -2.5)).toBe(-2.5);
    expect(requirePositive('gamma', 0.1)).toBe(0.1);
    expect(requireNonNegative('delta', 0)).toBe(0);
    expect(requireInteger('n', 3, 1)).toBe(3);
    expect(requireInRange('p', 1, 0, 1)).toBe(1);
    expect(requireOneOf('mode', 'skip', ['skip', 'throw'])).toBe('skip');
    expect(requireBoolean('half', false)).toBe(false);
    expect(requireSeed('seed', 2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(requireIntegerArray('hidden', [4, 8], 1)).toEqual([4, 8]);
  });

  it('name the option, the value and what is allowed', () => {
    expect(() => requireFiniteNumber('eta', Number.NaN)).toThrow(
      'eta must be a finite number (got NaN)',
    );
    expect(() => requireFiniteNumber('eta', '1')).toThrow('eta must be a finite number (got "1")');
    expect(() => requirePositive('gamma', -1)).toThrow('gamma must be > 0 (got -1)');
    expect(() => requireNonNegative('delta', -0.5)).toThrow('delta must be >= 0 (got -0.5)');
    expect(() => requireInteger('batchSize', 0, 1)).toThrow(
      'batchSize must be an integer >= 1 (got 0)',
    );
    expect(() => requireInRange('beta1', 1.5, 0, 1)).toThrow('beta1 must be in [0, 1] (got 1.5)');
    expect(() => requireOneOf('mode', 'x', ['skip', 'throw'])).toThrow(
      "mode must be one of 'skip', 'throw' (got \"x\")",
    );
    expect(() => requireBoolean('half', 'yes')).toThrow('half must be true or false (got "yes")');
    expect(() => requireSeed('seed', 2 ** 53)).toThrow('seed must be an integer in [0, 2^53)');
    expect(() => requireIntegerArray('hidden', [4, 0], 1)).toThrow(
      'hidden[1] must be an integer >= 1 (got 0)',
    );
    expect(() => requireIntegerArray('hidden', [], 1)).toThrow(
      'hidden must be a non-empty array of integers >= 1 (got [])',
    );
  });

  it('throw InvalidOptionError, a RangeError that prints as one', () => {
    let caught: unknown;
    try {
      requirePositive('gamma', -1);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect(InvalidOptionError.is(caught)).toBe(true);
    expect(String(caught)).toBe('RangeError: gamma must be > 0 (got -1)');
    expect((caught as InvalidOptionError).code).toBe('INVALID_OPTION');
    expect(InvalidOptionError.is(new RangeError('internal'))).toBe(false);
  });

  it('rejectUnknownFields names the field and the allowed ones', () => {
    expect(() => rejectUnknownFields('mlp', { hiddenSizes: [3] }, ['hidden'])).toThrow(
      "mlp config has no field 'hiddenSizes' (allowed: 'hidden')",
    );
    expect(() => rejectUnknownFields('mlp', { hidden: [3] }, ['hidden'])).not.toThrow();
  });
});
