import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';
import { prepareCsv } from './csv-upload.js';
import { planeExtent, prepareData } from './prepare-data.js';

const s = (over: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...over });

describe('prepareData', () => {
  it('builds a 2-D classification set with a seeded split and a plane for the heatmap', async () => {
    const d = await prepareData(
      s({ dataset: 'spiral', samples: 200, testFraction: 0.25, seed: 4 }),
    );
    expect(d.task).toBe('classification');
    expect([d.train.size, d.test?.size]).toEqual([150, 50]);
    expect([d.inputSize, d.outputSize]).toEqual([2, 2]);
    expect(d.classes).toEqual(['arm 1', 'arm 2']);
    const again = await prepareData(
      s({ dataset: 'spiral', samples: 200, testFraction: 0.25, seed: 4 }),
    );
    expect(again.train.toArrays().x).toEqual(d.train.toArrays().x);
    const other = await prepareData(
      s({ dataset: 'spiral', samples: 200, testFraction: 0.25, seed: 5 }),
    );
    expect(other.train.toArrays().x).not.toEqual(d.train.toArrays().x);
    // The plane covers every training point with a margin.
    const { x } = d.train.toArrays();
    for (let i = 0; i < x.length; i += 2) {
      expect(x[i]!).toBeGreaterThan(d.plane!.x[0]);
      expect(x[i]!).toBeLessThan(d.plane!.x[1]);
      expect(x[i + 1]!).toBeGreaterThan(d.plane!.y[0]);
      expect(x[i + 1]!).toBeLessThan(d.plane!.y[1]);
    }
  });

  it('builds a regression surface with its formula, and no test split for fraction 0', async () => {
    const d = await prepareData(s({ dataset: 'saddle', samples: 100, testFraction: 0, noise: 0 }));
    expect(d.task).toBe('regression');
    expect(d.test).toBeNull();
    expect([d.inputSize, d.outputSize]).toEqual([2, 1]);
    expect(d.formula).toBe('x1^2 - x2^2');
    const { x, y } = d.train.toArrays();
    for (let i = 0; i < y.length; i++)
      expect(y[i]!).toBeCloseTo(x[2 * i]! ** 2 - x[2 * i + 1]! ** 2, 5);
  });

  it('loads the bundled tables: cars for regression, penguins for classification (no plane)', async () => {
    const cars = await prepareData(s({ dataset: 'cars', testFraction: 0.2 }));
    expect(cars.task).toBe('regression');
    expect(cars.inputSize).toBe(6);
    expect(cars.train.size + (cars.test?.size ?? 0)).toBe(392);
    expect(cars.plane).toBeNull();
    const penguins = await prepareData(s({ dataset: 'penguins', testFraction: 0.2 }));
    expect(penguins.task).toBe('classification');
    expect(penguins.outputSize).toBe(3);
  });

  it('needs the file for the csv set, and draws a plane for a 2-feature CSV', async () => {
    await expect(prepareData(s({ dataset: 'csv' }))).rejects.toThrow(
      'the csv data set needs an uploaded file: choose one with "Upload CSV"',
    );
    const text = [
      'u,v,c',
      ...Array.from({ length: 20 }, (_, i) => `${i},${(i * 7) % 5},${i % 2}`),
    ].join('\n');
    const d = await prepareData(
      s({ dataset: 'csv', testFraction: 0.2 }),
      prepareCsv({ file: 'two.csv', text }, { test: 0.2, seed: 0 }),
    );
    expect(d.name).toBe('two.csv');
    expect(d.inputSize).toBe(2);
    expect(d.plane).not.toBeNull();
    expect(planeExtent(d.train)).toEqual(d.plane);
  });
});
