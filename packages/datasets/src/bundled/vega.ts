/**
 * The bundled real datasets, prepared from the tables of the `vega-datasets` package:
 * `cars` (regression: miles per gallon) and `penguins` (species classification). The loaders that
 * read the tables are per runtime: vega-node.ts (the installed package's files) and
 * vega-browser.ts (an embedded copy, for bundlers).
 */

import { type Cell, DEFAULT_MISSING_TOKENS, type Table } from '../tabular/table.js';
import type { MissingPolicy, TabularSplitOptions, TabularSplits } from '../tabular/tabular.js';
import { tabularDataset } from '../tabular/tabular.js';

/** Names of the bundled datasets. */
export const BUNDLED_DATASETS = ['cars', 'penguins'] as const;
export type BundledName = (typeof BUNDLED_DATASETS)[number];

/** The vega-datasets version these presets were written and checked against. */
export const VEGA_DATASETS_VERSION = '3.2.1';

export interface BundledOptions extends TabularSplitOptions {
  /** Missing values: `drop` (default) or impute features from the training split. */
  readonly missing?: Exclude<MissingPolicy, 'error'>;
  /** cars: standardize miles per gallon with training statistics (default true). */
  readonly standardizeTarget?: boolean;
}

export const CARS_FEATURES = [
  'Cylinders',
  'Displacement',
  'Horsepower',
  'Weight_in_lbs',
  'Acceleration',
  'Year',
] as const;

export const PENGUINS_NUMERIC = [
  'Beak Length (mm)',
  'Beak Depth (mm)',
  'Flipper Length (mm)',
  'Body Mass (g)',
] as const;

export const PENGUINS_CATEGORICAL = ['Island', 'Sex'] as const;

const CARS_SOURCE = `vega-datasets ${VEGA_DATASETS_VERSION}, data/cars.json; originally the StatLib Datasets Archive (the 1983 ASA Data Exposition "cars" data)`;
const CARS_LICENCE =
  'vega-datasets: BSD-3-Clause; StatLib: "distributed in 1982 for educational and scientific purposes"';
const PENGUINS_SOURCE = `vega-datasets ${VEGA_DATASETS_VERSION}, data/penguins.json; originally Palmer Station Antarctica LTER and K. Gorman, via A. Horst's palmerpenguins`;
const PENGUINS_LICENCE = 'CC0 1.0 (palmerpenguins); vega-datasets: BSD-3-Clause';

/**
 * cars, ready for regression with a square loss: target `Miles_per_Gallon`, features the six
 * numeric columns (Year as the model year 1970..1982), rows with missing values dropped (14 of
 * 406: Miles_per_Gallon 8, Horsepower 6), features and target standardized with statistics of the
 * training split. The metadata says how to map predictions back to miles per gallon.
 */
export function prepareCars(table: Table, options: BundledOptions = {}): TabularSplits {
  const years = table.values.Year;
  if (!years)
    throw new RangeError(`${table.file} has no Year column; is it vega-datasets cars.json?`);
  const yearNumbers: Cell[] = years.map((y) =>
    typeof y === 'string' && /^\d{4}-/.test(y) ? Number(y.slice(0, 4)) : y,
  );
  const withYear: Table = { ...table, values: { ...table.values, Year: yearNumbers } };
  return tabularDataset(
    withYear,
    {
      name: 'cars',
      task: 'regression',
      target: 'Miles_per_Gallon',
      numeric: CARS_FEATURES,
      missing: options.missing ?? 'drop',
      standardizeTarget: options.standardizeTarget ?? true,
      description:
        'Cars of 1970-1982: predict fuel economy (miles per gallon) from cylinders, displacement, horsepower, weight, acceleration and model year.',
      source: CARS_SOURCE,
      licence: CARS_LICENCE,
      notes: ['Year read as the model year (1970..1982) from its date string'],
    },
    options,
  );
}

/**
 * penguins, ready for species classification (Adelie, Chinstrap, Gentoo): the four measurements
 * (standardized with training statistics) and one-hot Island and Sex; rows with missing values
 * dropped (11 of 344, counting the one Sex cell recorded as '.').
 */
export function preparePenguins(table: Table, options: BundledOptions = {}): TabularSplits {
  return tabularDataset(
    table,
    {
      name: 'penguins',
      task: 'classification',
      target: 'Species',
      numeric: PENGUINS_NUMERIC,
      categorical: PENGUINS_CATEGORICAL,
      missing: options.missing ?? 'drop',
      missingTokens: [...DEFAULT_MISSING_TOKENS, '.'],
      description:
        'Palmer Archipelago penguins: predict the species (Adelie, Chinstrap, Gentoo) from beak, flipper and body measurements, island and sex.',
      source: PENGUINS_SOURCE,
      licence: PENGUINS_LICENCE,
      notes: ["Sex value '.' read as missing"],
    },
    options,
  );
}

/** Prepare a bundled dataset from its table. */
export function prepareBundled(
  name: BundledName,
  table: Table,
  options: BundledOptions = {},
): TabularSplits {
  return name === 'cars' ? prepareCars(table, options) : preparePenguins(table, options);
}
