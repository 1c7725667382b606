/**
 * Bundled datasets for browsers and bundlers: the tables come from an embedded copy of the
 * vega-datasets files (vega-embedded.ts, loaded on first use as a separate chunk), because the
 * package's exports map hides its data/ folder from bundlers.
 */
import { tableFromJson } from '../tabular/table.js';
import type { TabularSplits } from '../tabular/tabular.js';
import { type BundledName, type BundledOptions, prepareBundled } from './vega.js';

/** The raw table of a bundled dataset (all rows and columns, before any preprocessing). */
export async function loadBundledTable(name: BundledName) {
  const embedded = await import('./vega-embedded.js');
  const json = name === 'cars' ? embedded.CARS_JSON : embedded.PENGUINS_JSON;
  return tableFromJson(json, `vega-datasets/data/${name}.json`);
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
