/**
 * Bundled datasets in Node: the tables are read from the installed vega-datasets package
 * (its data/cars.json and data/penguins.json), nothing is fetched.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Table, tableFromJson } from '../tabular/table.js';
import type { TabularSplits } from '../tabular/tabular.js';
import { type BundledName, type BundledOptions, prepareBundled } from './vega.js';

/**
 * Path of a data file of the installed vega-datasets package. Its exports map exposes neither
 * package.json nor data/, so resolve the main entry (build/index.js) and go up one folder.
 */
export function vegaDataPath(file: string): string {
  const main = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(main), '..', 'data', file);
}

/** The raw table of a bundled dataset (all rows and columns, before any preprocessing). */
export async function loadBundledTable(name: BundledName): Promise<Table> {
  const path = vegaDataPath(`${name}.json`);
  return tableFromJson(await readFile(path, 'utf8'), `vega-datasets/data/${name}.json`);
}

/** A bundled dataset, prepared and split (see prepareCars / preparePenguins). */
export async function loadBundled(
  name: BundledName,
  options: BundledOptions = {},
): Promise<TabularSplits> {
  return prepareBundled(name, await loadBundledTable(name), options);
}

/** cars (regression on miles per gallon), prepared and split. */
export function loadCars(options: BundledOptions = {}): Promise<TabularSplits> {
  return loadBundled('cars', options);
}

/** penguins (species classification), prepared and split. */
export function loadPenguins(options: BundledOptions = {}): Promise<TabularSplits> {
  return loadBundled('penguins', options);
}
