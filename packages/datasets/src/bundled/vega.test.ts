import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { summarizeTable } from '../tabular/table.js';
import { VEGA_DATASETS_VERSION } from './vega.js';
import * as browser from './vega-browser.js';
import { CARS_JSON, EMBEDDED_VEGA_DATASETS_VERSION, PENGUINS_JSON } from './vega-embedded.js';
import * as node from './vega-node.js';

type Row = Record<string, string | number | null>;
const carsRows = JSON.parse(readFileSync(node.vegaDataPath('cars.json'), 'utf8')) as Row[];
const penguinRows = JSON.parse(readFileSync(node.vegaDataPath('penguins.json'), 'utf8')) as Row[];

function stats(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std, min: Math.min(...values), max: Math.max(...values) };
}

describe('the installed vega-datasets package', () => {
  it('is the pinned version, and the embedded browser copy equals its files', () => {
    const pkg = JSON.parse(readFileSync(node.vegaDataPath('../package.json'), 'utf8'));
    expect(pkg.version).toBe(VEGA_DATASETS_VERSION);
    expect(EMBEDDED_VEGA_DATASETS_VERSION).toBe(VEGA_DATASETS_VERSION);
    expect(JSON.parse(CARS_JSON)).toEqual(carsRows);
    expect(JSON.parse(PENGUINS_JSON)).toEqual(penguinRows);
  });
});

describe('cars', () => {
  it('has 406 rows; column summaries match an independent count of the JSON', async () => {
    const table = await node.loadBundledTable('cars');
    expect(table.rowCount).toBe(406);
    const summary = Object.fromEntries(summarizeTable(table).map((c) => [c.name, c]));
    for (const column of ['Miles_per_Gallon', 'Horsepower', 'Weight_in_lbs', 'Acceleration']) {
      const present = carsRows
        .map((r) => r[column])
        .filter((v): v is number => typeof v === 'number');
      const s = stats(present);
      expect(summary[column]).toMatchObject({
        kind: 'numeric',
        count: present.length,
        missing: 406 - present.length,
      });
      expect(summary[column]!.mean).toBeCloseTo(s.mean, 9);
      expect(summary[column]!.std).toBeCloseTo(s.std, 9);
      expect(summary[column]!.min).toBe(s.min);
      expect(summary[column]!.max).toBe(s.max);
    }
    expect(summary.Miles_per_Gallon!.missing).toBe(8);
    expect(summary.Horsepower!.missing).toBe(6);
    expect(summary.Origin!.categories).toEqual([
      { value: 'USA', count: 254 },
      { value: 'Japan', count: 79 },
      { value: 'Europe', count: 73 },
    ]);
  });

  it('comes ready for square-loss regression: 392 complete rows, 6 standardized features, standardized mpg', async () => {
    const cars = await node.loadCars({ seed: 0 });
    const m = cars.metadata;
    expect(m.name).toBe('cars');
    expect(m.task).toBe('regression');
    expect(m.numSamples).toBe(392);
    expect([cars.train.size, cars.validation.size, cars.test.size]).toEqual([314, 39, 39]);
    expect(m.featureNames).toEqual([
      'Cylinders',
      'Displacement',
      'Horsepower',
      'Weight_in_lbs',
      'Acceleration',
      'Year',
    ]);
    expect(m.targetNames).toEqual(['Miles_per_Gallon']);
    expect(m.preprocessing).toContain(
      'dropped 14 of 406 rows with missing values (Miles_per_Gallon: 8, Horsepower: 6)',
    );
    expect(m.licence).toContain('BSD-3-Clause');
    // Target statistics are those of the training rows of the complete-case table.
    const complete = carsRows.filter((r) => Object.values(r).every((v) => v !== null));
    expect(complete).toHaveLength(392);
    // Stored as float32: the statistics are those of the rounded values.
    const trainMpg = Array.from(cars.train.rowIndices()).map((i) =>
      Math.fround(complete[i]!.Miles_per_Gallon as number),
    );
    const s = stats(trainMpg);
    expect(m.targetNormalization!.mean as number).toBeCloseTo(s.mean, 9);
    expect(m.targetNormalization!.std as number).toBeCloseTo(s.std, 9);
    // Features of a test car, checked against its JSON row.
    const row = Array.from(cars.test.rowIndices())[0]!;
    const car = complete[row]!;
    const b = cars.test.toTensors();
    const x = b.x.dataSync();
    const norm = m.featureNormalization!;
    const raw = [
      car.Cylinders,
      car.Displacement,
      car.Horsepower,
      car.Weight_in_lbs,
      car.Acceleration,
      Number(String(car.Year).slice(0, 4)),
    ] as number[];
    raw.forEach((v, j) => {
      expect(x[j]).toBeCloseTo((v - (norm.mean as number[])[j]!) / (norm.std as number[])[j]!, 4);
    });
    expect(b.y.dataSync()[0]! * s.std + s.mean).toBeCloseTo(car.Miles_per_Gallon as number, 4);
    tf.dispose(b);
    // Training features are standardized.
    const trainStats = cars.train.withNormalization({ features: null }).featureStatistics();
    const tx = cars.train.toTensors();
    const cols = tx.x.arraySync() as number[][];
    for (let j = 0; j < 6; j++) {
      const c = stats(cols.map((r) => r[j]!));
      expect(c.mean).toBeCloseTo(0, 5);
      expect(c.std).toBeCloseTo(1, 5);
      expect(trainStats.mean[j]).toBeCloseTo((norm.mean as number[])[j]!, 9);
    }
    tf.dispose(tx);
  });
});

describe('penguins', () => {
  it('has 344 rows; the Species, Island and Sex counts match the JSON', async () => {
    const table = await node.loadBundledTable('penguins');
    expect(table.rowCount).toBe(344);
    const summary = Object.fromEntries(summarizeTable(table).map((c) => [c.name, c]));
    const count = (col: string, v: string) => penguinRows.filter((r) => r[col] === v).length;
    expect(summary.Species!.categories).toEqual(
      ['Adelie', 'Gentoo', 'Chinstrap'].map((v) => ({ value: v, count: count('Species', v) })),
    );
    expect(summary.Species!.categories!.map((c) => c.count)).toEqual([152, 124, 68]);
    expect(summary['Body Mass (g)']).toMatchObject({ kind: 'numeric', missing: 2, count: 342 });
    expect(summary.Sex!.missing).toBe(10);
  });

  it('comes ready for species classification: 333 complete rows, one-hot island and sex', async () => {
    const p = await node.loadPenguins({ seed: 7, validation: 0, test: 0.2 });
    const m = p.metadata;
    expect(m.task).toBe('classification');
    expect(m.numSamples).toBe(333);
    expect(m.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(m.featureNames).toEqual([
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Body Mass (g)',
      'Island=Biscoe',
      'Island=Dream',
      'Island=Torgersen',
      'Sex=FEMALE',
      'Sex=MALE',
    ]);
    expect(m.preprocessing).toContain(
      'dropped 11 of 344 rows with missing values (Beak Length (mm): 2, Beak Depth (mm): 2, Flipper Length (mm): 2, Body Mass (g): 2, Sex: 11)',
    );
    expect([p.train.size, p.validation.size, p.test.size]).toEqual([266, 0, 67]);
    const complete = penguinRows.filter(
      (r) => Object.values(r).every((v) => v !== null) && r.Sex !== '.',
    );
    const b = p.train.toTensors({ labels: 'index' });
    const labels = Array.from(b.y.dataSync());
    Array.from(p.train.rowIndices()).forEach((row, k) => {
      expect(m.classes[labels[k]!]).toBe(complete[row]!.Species);
    });
    tf.dispose(b);
  });
});

describe('browser and Node loaders', () => {
  it('give identical datasets (embedded copy vs installed files)', async () => {
    for (const name of ['cars', 'penguins'] as const) {
      const a = await node.loadBundled(name, { seed: 3 });
      const b = await browser.loadBundled(name, { seed: 3 });
      expect(b.metadata).toEqual(a.metadata);
      const ta = a.train.toTensors();
      const tb = b.train.toTensors();
      expect(tb.x.dataSync()).toEqual(ta.x.dataSync());
      expect(tb.y.dataSync()).toEqual(ta.y.dataSync());
      tf.dispose([ta, tb]);
    }
  });
});
