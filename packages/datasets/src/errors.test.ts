import { DeltaclipError } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError } from './errors.js';

describe('DatasetFormatError', () => {
  it('names the place, what was expected and what was found', () => {
    const e = new DatasetFormatError({
      file: 'a.csv',
      row: 2,
      line: 3,
      column: 'x',
      expected: 'a number',
      found: '"abc"',
      hint: 'Fix the cell.',
    });
    expect(e.message).toBe(
      'a.csv at row 2, line 3, column \'x\': expected a number, found "abc". Fix the cell.',
    );
    expect(DatasetFormatError.is(e) && DeltaclipError.is(e)).toBe(true);
    expect(e.code).toBe('DATASET_FORMAT');
  });

  it('quotes only the start of a hostile value, with its length, and keeps the whole in `found`', () => {
    const found = '9'.repeat(200_000);
    const e = new DatasetFormatError({ file: 'd.csv', expected: 'a number', found });
    expect(e.message).toBe(
      `d.csv: expected a number, found ${'9'.repeat(80)}… (200,000 characters).`,
    );
    expect(e.found).toBe(found);
  });
});
