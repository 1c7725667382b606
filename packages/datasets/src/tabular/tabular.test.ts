import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../errors.js';
import { parseCsv } from './csv.js';
import { tabularDataset } from './tabular.js';

/** 40 rows: size = i, weight = (i * 7) mod 13 (+ 0.5), color cycles red/green/blue, price = 2 size + weight. */
function houses(missing: Record<number, 'size' | 'color' | 'price'> = {}): string {
  const lines = ['size,weight,color,price,kind'];
  const colors = ['red', 'green', 'blue'];
  for (let i = 0; i < 40; i++) {
    const size = missing[i] === 'size' ? 'NA' : String(i);
    const weight = ((i * 7) % 13) + 0.5;
    const color = missing[i] === 'color' ? '' : colors[i % 3]!;
    const price = missing[i] === 'price' ? '' : String(2 * i + weight);
    lines.push(`${size},${weight},${color},${price},${i % 2 === 0 ? 'even' : 'odd'}`);
  }
  return lines.join('\n');
}

function formatError(f: () => unknown): DatasetFormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof DatasetFormatError) return e;
    throw e;
  }
  throw new Error('expected a DatasetFormatError');
}

const SPEC = {
  name: 'houses',
  task: 'regression' as const,
  target: 'price',
  numeric: ['size', 'weight'],
  categorical: ['color'],
};

describe('tabularDataset', () => {
  it('standardizes numeric features with statistics of the training split only', () => {
    const s = tabularDataset(parseCsv(houses(), { file: 'h.csv' }), SPEC, {
      seed: 3,
      validation: 0.25,
      test: 0.25,
    });
    expect([s.train.size, s.validation.size, s.test.size]).toEqual([20, 10, 10]);
    expect(s.metadata.featureNames).toEqual([
      'size',
      'weight',
      'color=blue',
      'color=green',
      'color=red',
    ]);
    // Independent float64 reference from the raw rows of the training split.
    const rows = Array.from(s.train.rowIndices());
    const size = rows.map((i) => i);
    const weight = rows.map((i) => ((i * 7) % 13) + 0.5);
    const stat = (v: number[]) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length)] as const;
    };
    const [ms, ss] = stat(size);
    const [mw, sw] = stat(weight);
    const norm = s.metadata.featureNormalization!;
    expect((norm.mean as number[])[0]).toBeCloseTo(ms, 10);
    expect((norm.std as number[])[0]).toBeCloseTo(ss, 10);
    expect((norm.mean as number[])[1]).toBeCloseTo(mw, 10);
    expect((norm.std as number[])[1]).toBeCloseTo(sw, 10);
    expect((norm.mean as number[]).slice(2)).toEqual([0, 0, 0]);
    expect((norm.std as number[]).slice(2)).toEqual([1, 1, 1]);
    // Train features come out with mean 0 and std 1; one-hot columns stay 0/1.
    const t = s.train.toTensors();
    const x = t.x.arraySync() as number[][];
    const col = (j: number) => x.map((r) => r[j]!);
    expect(stat(col(0))[0]).toBeCloseTo(0, 5);
    expect(stat(col(0))[1]).toBeCloseTo(1, 5);
    x.forEach((r, k) => {
      expect(r.slice(2)).toEqual(
        ['blue', 'green', 'red'].map((c) => (['red', 'green', 'blue'][rows[k]! % 3] === c ? 1 : 0)),
      );
    });
    // The validation split uses the same (training) statistics, so it is not exactly standardized.
    const v = s.validation.toTensors();
    const vx = (v.x.arraySync() as number[][]).map((r) => r[0]!);
    const vrows = Array.from(s.validation.rowIndices());
    vx.forEach((value, k) => {
      expect(value).toBeCloseTo((vrows[k]! - ms) / ss, 5);
    });
    tf.dispose([t, v]);
    expect(s.metadata.preprocessing).toContain(
      'standardized 2 numeric feature(s) with the mean and standard deviation of the training split (20 rows); one-hot columns left as 0/1',
    );
  });

  it('standardizes the target with training statistics and says how to undo it', () => {
    const s = tabularDataset(parseCsv(houses()), SPEC, { seed: 1 });
    const tn = s.metadata.targetNormalization!;
    const b = s.test.toTensors();
    const y = b.y.dataSync();
    const rows = Array.from(s.test.rowIndices());
    rows.forEach((r, k) => {
      const price = 2 * r + ((r * 7) % 13) + 0.5;
      expect(y[k]! * (tn.std as number) + (tn.mean as number)).toBeCloseTo(price, 4);
    });
    tf.dispose(b);
    expect(s.metadata.targetNames).toEqual(['price']);
    expect(
      s.metadata.preprocessing.some((p) => p.startsWith('standardized the target price')),
    ).toBe(true);
    const raw = tabularDataset(
      parseCsv(houses()),
      { ...SPEC, standardizeTarget: false },
      { seed: 1 },
    );
    expect(raw.metadata.targetNormalization).toBeNull();
    expect(raw.metadata.preprocessing).toContain('target price left in original units');
  });

  it("missing: 'error' (the default) lists the missing cells and the choices", () => {
    const e = formatError(() =>
      tabularDataset(parseCsv(houses({ 4: 'size', 9: 'color' }), { file: 'h.csv' }), SPEC),
    );
    expect(e.row).toBe(5);
    expect(e.line).toBe(6);
    expect(e.column).toBe('size');
    expect(e.message).toBe(
      "h.csv at row 5, line 6, column 'size': expected no missing cells (missing: 'error'), found 2 row(s) with missing cells (size: rows 5; color: rows 10). Choose missing: 'drop' to drop those rows, or 'impute-mean' / 'impute-median' to fill features from the training split.",
    );
  });

  it("missing: 'drop' drops the incomplete rows and reports them", () => {
    const s = tabularDataset(parseCsv(houses({ 4: 'size', 9: 'color', 11: 'price' })), {
      ...SPEC,
      missing: 'drop',
    });
    expect(s.metadata.numSamples).toBe(37);
    expect(s.metadata.preprocessing[0]).toBe(
      'dropped 3 of 40 rows with missing values (price: 1, size: 1, color: 1)',
    );
  });

  it("missing: 'impute-mean' / 'impute-median' fill from the training split only", () => {
    const missing = { 0: 'size', 1: 'size', 2: 'size', 5: 'color', 11: 'price' } as const;
    for (const policy of ['impute-mean', 'impute-median'] as const) {
      const s = tabularDataset(
        parseCsv(houses(missing)),
        { ...SPEC, missing: policy, standardize: false },
        { seed: 2 },
      );
      expect(s.metadata.numSamples).toBe(39); // the row without a target is dropped
      // Prepared rows skip table row 11; prepared row p is table row p (< 11) or p + 1.
      const tableRow = (p: number) => (p < 11 ? p : p + 1);
      const trainTable = Array.from(s.train.rowIndices()).map(tableRow);
      const present = trainTable.filter((r) => r > 2).map((r) => r);
      const sorted = [...present].sort((a, b) => a - b);
      const expected =
        policy === 'impute-mean'
          ? present.reduce((a, b) => a + b, 0) / present.length
          : sorted.length % 2
            ? sorted[sorted.length >> 1]!
            : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
      // Every split sees the same fill for rows 0..2 (prepared rows 0..2).
      const all = [s.train, s.validation, s.test].flatMap((d) => {
        const t = d.toTensors();
        const x = t.x.arraySync() as number[][];
        const r = Array.from(d.rowIndices()).map((p, k) => [p, x[k]![0]!] as const);
        tf.dispose(t);
        return r;
      });
      for (const [p, size] of all) {
        if (p <= 2) expect(size).toBeCloseTo(expected, 4);
        else expect(size).toBe(tableRow(p));
      }
      const note = s.metadata.preprocessing.find((l) => l.startsWith('imputed'))!;
      expect(note).toContain(`size: 3 cell(s) with ${Number(expected.toPrecision(4))}`);
      expect(s.metadata.preprocessing).toContain(
        'dropped 1 of 40 rows whose target price is missing',
      );
    }
  });

  it('bad input: a non-numeric cell in a numeric column names row, line and column', () => {
    const text = houses().replace('\n7,', '\nseven,');
    const e = formatError(() => tabularDataset(parseCsv(text, { file: 'h.csv' }), SPEC));
    expect(e.message).toBe(
      "h.csv at row 8, line 9, column 'size': expected a number (column 'size' is a numeric feature), found \"seven\". Mark missing cells as empty or NA, or list 'size' as categorical.",
    );
  });

  it('classification: sorted classes by default, a given class order, unknown classes rejected', () => {
    const spec = { name: 'k', task: 'classification' as const, target: 'kind', numeric: ['size'] };
    const s = tabularDataset(parseCsv(houses()), spec, { seed: 0 });
    expect(s.metadata.classes).toEqual(['even', 'odd']);
    const b = s.train.toTensors({ labels: 'index' });
    const rows = Array.from(s.train.rowIndices());
    expect(Array.from(b.y.dataSync())).toEqual(rows.map((r) => r % 2));
    tf.dispose(b);
    const ordered = tabularDataset(parseCsv(houses()), { ...spec, classes: ['odd', 'even'] });
    expect(ordered.metadata.classes).toEqual(['odd', 'even']);
    const e = formatError(() => tabularDataset(parseCsv(houses()), { ...spec, classes: ['even'] }));
    expect(e.expected).toBe("one of 'even'");
    expect(e.found).toBe('"odd"');
  });

  it('infers numeric and categorical columns when none are named', () => {
    const s = tabularDataset(parseCsv(houses()), {
      name: 'h',
      task: 'regression',
      target: 'price',
    });
    expect(s.metadata.featureNames).toEqual([
      'size',
      'weight',
      'color=blue',
      'color=green',
      'color=red',
      'kind=even',
      'kind=odd',
    ]);
  });

  it('rejects unknown columns and a target used as a feature', () => {
    expect(() =>
      tabularDataset(parseCsv(houses(), { file: 'h.csv' }), { ...SPEC, target: 'cost' }),
    ).toThrow(
      "target column 'cost' is not in h.csv; columns: 'size', 'weight', 'color', 'price', 'kind'",
    );
    expect(() =>
      tabularDataset(parseCsv(houses()), { ...SPEC, numeric: ['size', 'price'] }),
    ).toThrow("column 'price' cannot be both a feature and the target");
  });
});
