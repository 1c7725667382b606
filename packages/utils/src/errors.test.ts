import { describe, expect, it } from 'vitest';
import { DeltaclipError } from './errors.js';
import { GradientsNotRegisteredError, gradientsRegistered, requireGradients } from './gradients.js';

class AlphaError extends DeltaclipError {
  override readonly name: string = 'AlphaError';
  readonly code: string = 'ALPHA';
}
class BetaError extends AlphaError {
  override readonly name = 'BetaError';
  override readonly code = 'BETA';
}

describe('DeltaclipError', () => {
  it('carries name, code and message, and is an Error', () => {
    const e = new AlphaError('bad alpha (got 3)');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('AlphaError');
    expect(e.code).toBe('ALPHA');
    expect(String(e)).toBe('AlphaError: bad alpha (got 3)');
  });

  it('is() tells deltaclip errors and subclasses apart', () => {
    const alpha = new AlphaError('a');
    const beta = new BetaError('b');
    expect(DeltaclipError.is(alpha)).toBe(true);
    expect(AlphaError.is(alpha)).toBe(true);
    expect(AlphaError.is(beta)).toBe(true);
    expect(BetaError.is(alpha)).toBe(false);
    expect(DeltaclipError.is(new RangeError('x'))).toBe(false);
    expect(DeltaclipError.is(null)).toBe(false);
    expect(DeltaclipError.is({ name: 'AlphaError', code: 'ALPHA' })).toBe(false);
  });

  it('keeps a cause', () => {
    const cause = new Error('inner');
    expect(new AlphaError('outer', { cause }).cause).toBe(cause);
  });
});

describe('gradient registration check', () => {
  const none = { getGradient: () => undefined };
  const some = { getGradient: (k: string) => (k === 'Square' ? {} : undefined) };
  const all = { getGradient: () => ({}) };

  it('needs every probe kernel', () => {
    expect(gradientsRegistered(none)).toBe(false);
    expect(gradientsRegistered(some)).toBe(false);
    expect(gradientsRegistered(all)).toBe(true);
  });

  it('throws a typed error naming the caller', () => {
    expect(() => requireGradients(none, 'plstar')).toThrow(
      'No gradients are registered with tfjs-core, so plstar cannot differentiate the loss.',
    );
    try {
      requireGradients(none, 'plstar');
    } catch (e) {
      expect(GradientsNotRegisteredError.is(e)).toBe(true);
      expect((e as GradientsNotRegisteredError).code).toBe('GRADIENTS_NOT_REGISTERED');
    }
    expect(() => requireGradients(all, 'plstar')).not.toThrow();
  });
});
