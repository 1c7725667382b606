import { describe, expect, it } from 'vitest';
import { Dataset } from '../../dataset.js';
import { DatasetFormatError, UnknownColumnError } from '../../errors.js';
import { parseCsv } from '../csv.js';
import { DEFAULT_MISSING_TOKENS } from '../table.js';
import { selectColumns } from './columns.js';
import { encodeFeatures, encodeTargets } from './encode.js';
import { impute, median } from './impute.js';
import { keepRows } from './missing-rows.js';
import { parseCells } from './parse-cells.js';
import { featureStandardization, targetStandardization } from './standardize.js';
import { vocabulary } from './vocabulary.js';

const table = parseCsv('a,b,c,y\n1,red,x,10\n2,NA,y,20\n,blue,x,\n4,red,y,40\n', { file: 's.csv' });
const T = DEFAULT_MISSING_TOKENS;

describe('tabular pipeline steps', () => {
  it('selectColumns infers kinds of the other columns and rejects unknown ones', () => {
    expect(selectColumns(table, { target: 'y' }, T)).toEqual({
      target: 'y',
      numeric: ['a'],
      categorical: ['b', 'c'],
    });
    expect(() => selectColumns(table, { target: 'z' }, T)).toThrow(UnknownColumnError);
    expect(() => selectColumns(table, { target: 'y', numeric: ['q'] }, T)).toThrow(
      "feature column 'q' is not in s.csv",
    );
  });

  it('parseCells gives NaN / null for missing cells and lists their rows', () => {
    const p = parseCells(table, ['a', 'y'], ['b'], T, () => 'a numeric feature');
    expect(Array.from(p.numbers.a!)).toEqual([1, 2, Number.NaN, 4]);
    expect(p.strings.b).toEqual(['red', null, 'blue', 'red']);
    expect(p.missingRows).toEqual({ a: [3], y: [3], b: [2] });
    expect(() => parseCells(table, ['b'], [], T, () => 'a numeric feature')).toThrow(
      DatasetFormatError,
    );
  });

  it('keepRows: drop keeps complete rows, impute keeps rows with a target, error throws', () => {
    const { missingRows } = parseCells(table, ['a', 'y'], ['b'], T, () => '');
    const used = ['y', 'a', 'b'];
    expect(keepRows(table, 'drop', 'y', used, missingRows)).toEqual({
      keep: [0, 3],
      notes: ['dropped 2 of 4 rows with missing values (y: 1, a: 1, b: 1)'],
    });
    expect(keepRows(table, 'impute-mean', 'y', used, missingRows).keep).toEqual([0, 1, 3]);
    expect(() => keepRows(table, 'error', 'y', used, missingRows)).toThrow('row 2');
  });

  it('vocabulary sorts distinct kept values or checks a given order', () => {
    const values = ['red', null, 'blue', 'red'];
    expect(vocabulary(table, 'b', values, [0, 1, 2, 3], undefined)).toEqual(['blue', 'red']);
    expect(vocabulary(table, 'b', values, [0, 3], ['red', 'blue'])).toEqual(['red', 'blue']);
    expect(() => vocabulary(table, 'b', values, [2], ['red'])).toThrow('found "blue"');
  });

  it('encodeFeatures: numeric first, one-hot blocks after; encodeTargets: indices or floats', () => {
    const e = encodeFeatures(
      [0, 1],
      ['a'],
      ['b'],
      [['blue', 'red']],
      { a: Float64Array.of(1, Number.NaN) },
      { b: ['red', null] },
    );
    expect(e.featureNames).toEqual(['a', 'b=blue', 'b=red']);
    expect(Array.from(e.x)).toEqual([1, 0, 1, Number.NaN, 0, 0]);
    expect(e.missingCells).toEqual([
      { row: 1, col: 0, column: 'a' },
      { row: 1, col: 1, column: 'b' },
    ]);
    expect(Array.from(encodeTargets([2, 0], ['x', 'y', 'z'], ['z', 'x']))).toEqual([0, 1]);
    expect(Array.from(encodeTargets([1], Float64Array.of(5, 6.5), []))).toEqual([6.5]);
  });

  it('impute fills from the training rows only (median / mode)', () => {
    const x = Float32Array.of(1, 0, 1, 3, 0, 1, 100, 1, 0, Number.NaN, 0, 0);
    const features = {
      x,
      width: 3,
      featureNames: ['a', 'b=u', 'b=v'],
      missingCells: [
        { row: 3, col: 0, column: 'a' },
        { row: 3, col: 1, column: 'b' },
      ],
    };
    const note = impute('f', features, ['b'], [['u', 'v']], [0, 1], 'median');
    expect(Array.from(x.subarray(9))).toEqual([2, 0, 1]);
    expect(note).toBe(
      "imputed missing features with the training split's median (most frequent value for categories): a: 1 cell(s) with 2; b: 1 cell(s) with 'v'",
    );
    expect(median([5, 1, 3])).toBe(3);
  });

  it('standardization uses the training view statistics', () => {
    const ds = new Dataset({
      x: Float32Array.of(1, 0, 3, 1, 5, 0),
      featureShape: [2],
      y: Float32Array.of(2, 4, 6),
      targetShape: [1],
      metadata: {
        name: 't',
        task: 'regression',
        description: '',
        featureNames: ['a', 'b=u'],
        targetNames: ['y'],
        classes: [],
        source: '',
        licence: '',
        preprocessing: [],
        details: {},
      },
    });
    const f = featureStandardization(ds, ['a'], true);
    expect(f.normalization.mean).toEqual([3, 0]);
    expect(f.normalization.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(f.normalization.std[1]).toBe(1);
    const t = targetStandardization(ds, 'y');
    expect(t.normalization.mean).toBe(4);
    expect(t.normalization.std).toBeCloseTo(Math.sqrt(8 / 3), 12);
  });
});
