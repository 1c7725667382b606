/** What a dataset is for. `sequence`: one class label per position of a token sequence. */
export type Task = 'regression' | 'classification' | 'sequence';

/** Which part of a dataset a {@link Dataset} view holds. */
export type SplitName = 'all' | 'train' | 'validation' | 'test';

/**
 * `(raw - mean) / std`, per feature (arrays, one entry per flattened feature) or for all features
 * at once (numbers). Images stored as bytes use `{ mean: 0, std: 255 }` to give values in [0, 1].
 */
export interface Normalization {
  readonly mean: number | readonly number[];
  readonly std: number | readonly number[];
}

/**
 * Everything a program or a person needs to know about a dataset: what it is, where it came from
 * (source and licence), what preprocessing did, and how to undo the target scaling.
 */
export interface DatasetMetadata {
  /** Short id, e.g. `cars`, `fashion-mnist`, `spiral`. */
  readonly name: string;
  readonly task: Task;
  /** One sentence: what the samples are and what is predicted. */
  readonly description: string;
  /** Number of samples in this view (a split has its own count). */
  readonly numSamples: number;
  /** Which split this view is. */
  readonly split: SplitName;
  /** Shape of one sample's features, e.g. `[6]`, `[28, 28, 1]`, `[32, 32, 3]`, `[12]` (tokens). */
  readonly featureShape: readonly number[];
  /**
   * Names of the flattened features for tabular and 2-D data (one-hot columns read
   * `Island=Biscoe`); empty for images and sequences, whose features are pixels or tokens.
   */
  readonly featureNames: readonly string[];
  /** Names of the regression targets, e.g. `['Miles_per_Gallon']`; empty for classification. */
  readonly targetNames: readonly string[];
  /** Class names in label order (label `i` is `classes[i]`); empty for regression. */
  readonly classes: readonly string[];
  /** Where the data come from (a citation or a generator description). */
  readonly source: string;
  /** The data's licence or terms. */
  readonly licence: string;
  /**
   * What was done to the raw data, in order, in words: `dropped 14 of 406 rows with missing
   * values (Miles_per_Gallon: 8, Horsepower: 6)`, `standardized 6 features with statistics of the
   * training split (313 rows)`.
   */
  readonly preprocessing: readonly string[];
  /** Feature scaling applied when batches are built (`null`: features are used as stored). */
  readonly featureNormalization: Normalization | null;
  /**
   * Target scaling applied when batches are built (regression only). Predictions in original
   * units are `prediction * std + mean`; a square loss in original units is the standardized one
   * times `std^2`. `null`: targets are used as stored.
   */
  readonly targetNormalization: Normalization | null;
  /** Generator settings or loader facts that reproduce the data (seed, sizes, file names). */
  readonly details: Readonly<Record<string, unknown>>;
}

/** The three deterministic splits of a dataset. */
export interface Splits<D> {
  readonly train: D;
  readonly validation: D;
  readonly test: D;
}
