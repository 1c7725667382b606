/**
 * The in-memory dataset: features and targets each held as one typed array (a 60,000 x 784 image
 * set is a single 47 MB Uint8Array), views that select rows through an index array instead of
 * copying, seeded splits, and batches built straight into the typed array a tensor takes over.
 */

import {
  formatShape,
  permutation,
  requireInRange,
  requireInteger,
  requireOneOf,
  requireSeed,
  rngFor,
} from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureArray, TargetArray } from './arrays.js';
import type { DatasetMetadata, Normalization, SplitName, Splits } from './metadata.js';
import { type Affine, affineRows, copyRows, toAffine } from './normalization.js';
import { columnStatistics, type FeatureStatistics } from './statistics.js';

export type { FeatureArray, FeatureStatistics, TargetArray };

import { epochOrder, STREAM } from './random.js';

/** How integer labels come out of a batch. */
export type LabelEncoding = 'oneHot' | 'index';

/** What the constructor needs. */
export interface DatasetInit {
  /** All samples' features, sample-major: sample `i` is `x[i*F .. (i+1)*F)`, F = prod(featureShape). */
  readonly x: FeatureArray;
  readonly featureShape: readonly number[];
  /** All samples' targets, sample-major, T = prod(targetShape) values per sample. */
  readonly y: TargetArray;
  /** `[]` for one scalar target or label per sample. */
  readonly targetShape: readonly number[];
  /** Present when `y` holds class labels in `[0, numClasses)`. */
  readonly numClasses?: number;
  /** Metadata without the fields the dataset knows itself (sizes, shapes, split, normalization). */
  readonly metadata: Omit<
    DatasetMetadata,
    'numSamples' | 'featureShape' | 'split' | 'featureNormalization' | 'targetNormalization'
  >;
  readonly featureNormalization?: Normalization | null;
  readonly targetNormalization?: Normalization | null;
  /** Which split the samples are (default `all`), e.g. `test` for a file of test images. */
  readonly split?: SplitName;
}

/** One batch: tensors the caller owns and must dispose (`tf.dispose(batch)` disposes both). */
export interface Batch extends tf.TensorContainerObject {
  /** `[size, ...featureShape]`, float32 (int32 for token features). */
  readonly x: tf.Tensor;
  /**
   * Regression: `[size, ...targetShape]` float32. Labels: `[size, ...targetShape, numClasses]`
   * float32 one-hot, or `[size, ...targetShape]` int32 with `labels: 'index'`.
   */
  readonly y: tf.Tensor;
}

export interface BatchOptions {
  /** Samples per batch. */
  readonly batchSize: number;
  /** Visit samples in the epoch's seeded order (default) or in stored order. */
  readonly shuffle?: boolean;
  /** Seed of the epoch orders (default 0). */
  readonly seed?: number;
  /** 0-based epoch: with `seed` it fixes the order (default 0). */
  readonly epoch?: number;
  /** Leave out the last, smaller batch (default false). */
  readonly dropRemainder?: boolean;
  /** One-hot float32 (default) or int32 class indices, for integer labels. */
  readonly labels?: LabelEncoding;
}

export interface BatchesOptions extends BatchOptions {
  /** First batch to produce, to resume inside an epoch (default 0). */
  readonly startBatch?: number;
}

interface Storage {
  readonly x: FeatureArray;
  readonly y: TargetArray;
  readonly featureSize: number;
  readonly targetSize: number;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A dataset, or a view of one (a split, a subset). Views share the parent's typed arrays; only
 * their index arrays are new. Immutable: every method returns a new view.
 *
 * @example
 * const { train, test } = ds.split({ validation: 0, test: 0.2, seed: 1 });
 * for (const { x, y } of train.batches({ batchSize: 32, seed: 1, epoch: 0 })) {
 *   // ... train on x, y
 *   tf.dispose([x, y]);
 * }
 */
export class Dataset {
  readonly metadata: DatasetMetadata;
  /** Number of samples in this view. */
  readonly size: number;
  readonly featureShape: readonly number[];
  readonly targetShape: readonly number[];
  /** Number of classes when targets are labels, otherwise undefined. */
  readonly numClasses: number | undefined;
  private readonly storage: Storage;
  /** Storage row of each view position; null: the view is the whole storage in order. */
  private readonly rows: Uint32Array | null;
  private readonly featureAffine: Affine | null;
  private readonly targetAffine: Affine | null;
  private orderCache: { seed: number; epoch: number; order: Uint32Array } | null = null;

  constructor(init: DatasetInit) {
    const featureSize = product(init.featureShape);
    const targetSize = product(init.targetShape);
    requireInteger('feature size', featureSize, 1);
    requireInteger('target size', targetSize, 1);
    if (init.x.length % featureSize !== 0) {
      throw new RangeError(
        `x has ${init.x.length} values, not a multiple of the ${featureSize} features per sample (featureShape ${formatShape(init.featureShape)})`,
      );
    }
    const n = init.x.length / featureSize;
    if (init.y.length !== n * targetSize) {
      throw new RangeError(
        `y has ${init.y.length} values but x holds ${n} samples of ${targetSize} target value(s) each (${n * targetSize} expected)`,
      );
    }
    if (init.numClasses !== undefined) {
      requireInteger('numClasses', init.numClasses, 1);
      if (init.y instanceof Float32Array) {
        throw new RangeError(
          'labels (numClasses given) must be stored as Uint8Array or Int32Array',
        );
      }
      for (let i = 0; i < init.y.length; i++) {
        const label = init.y[i]!;
        if (label < 0 || label >= init.numClasses) {
          throw new RangeError(
            `label ${label} of sample ${Math.floor(i / targetSize)} is outside [0, ${init.numClasses})`,
          );
        }
      }
    } else if (!(init.y instanceof Float32Array)) {
      throw new RangeError(
        'integer targets need numClasses; regression targets must be a Float32Array',
      );
    }
    this.storage = { x: init.x, y: init.y, featureSize, targetSize };
    this.rows = null;
    this.size = n;
    this.featureShape = [...init.featureShape];
    this.targetShape = [...init.targetShape];
    this.numClasses = init.numClasses;
    this.featureAffine = Dataset.checkFeatureAffine(
      init.x,
      toAffine(init.featureNormalization, featureSize, 'feature'),
    );
    if (init.targetNormalization && init.numClasses !== undefined) {
      throw new RangeError('targetNormalization applies to regression targets, not to labels');
    }
    this.targetAffine = toAffine(init.targetNormalization, targetSize, 'target');
    this.metadata = {
      ...init.metadata,
      numSamples: n,
      split: init.split ?? 'all',
      featureShape: [...init.featureShape],
      featureNormalization: init.featureNormalization ?? null,
      targetNormalization: init.targetNormalization ?? null,
    };
  }

  private static checkFeatureAffine(x: FeatureArray, affine: Affine | null): Affine | null {
    if (affine && x instanceof Int32Array) {
      throw new RangeError('token (Int32Array) features cannot be normalized');
    }
    return affine;
  }

  /** A view sharing storage; `rows` are storage rows. */
  private view(
    rows: Uint32Array | null,
    split: SplitName,
    featureAffine: Affine | null,
    targetAffine: Affine | null,
    metadata: Partial<DatasetMetadata>,
  ): Dataset {
    const d = Object.create(Dataset.prototype) as Dataset;
    const size = rows ? rows.length : this.storage.x.length / this.storage.featureSize;
    Object.assign(d, {
      storage: this.storage,
      rows,
      size,
      featureShape: this.featureShape,
      targetShape: this.targetShape,
      numClasses: this.numClasses,
      featureAffine,
      targetAffine,
      orderCache: null,
      metadata: { ...this.metadata, ...metadata, numSamples: size, split },
    });
    return d;
  }

  /** Storage row of view position `i`. */
  private storageRow(i: number): number {
    return this.rows ? this.rows[i]! : i;
  }

  /**
   * The row of the underlying arrays that each sample of this view reads (for a split: which
   * samples of the full set it holds). A copy; the view itself never changes.
   */
  rowIndices(): Uint32Array {
    if (this.rows) return this.rows.slice();
    return Uint32Array.from({ length: this.size }, (_, i) => i);
  }

  /** The samples at the given positions of this view (a view, no copy). */
  subset(positions: ArrayLike<number>, split: SplitName = this.metadata.split): Dataset {
    const rows = new Uint32Array(positions.length);
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (!Number.isInteger(p) || p < 0 || p >= this.size) {
        throw new RangeError(`subset position ${p} is outside [0, ${this.size})`);
      }
      rows[i] = this.storageRow(p);
    }
    return this.view(rows, split, this.featureAffine, this.targetAffine, {});
  }

  /**
   * Deterministic train/validation/test split: a seeded permutation; the first `test` fraction goes
   * to test, the next `validation` fraction to validation, the rest to train (rounded to whole
   * samples). Each split keeps stored order. Views: nothing is copied.
   */
  split(options: { validation?: number; test?: number; seed: number }): Splits<Dataset> {
    const validation = requireInRange('validation', options.validation ?? 0, 0, 1);
    const test = requireInRange('test', options.test ?? 0, 0, 1);
    const seed = requireSeed('seed', options.seed);
    const nTest = Math.round(this.size * test);
    const nValidation = Math.round(this.size * validation);
    const nTrain = this.size - nTest - nValidation;
    if (nTrain < 1) {
      throw new RangeError(
        `validation (${validation}) + test (${test}) leave no training samples out of ${this.size}`,
      );
    }
    const perm = permutation(this.size, rngFor(seed, STREAM.split));
    const part = (from: number, to: number, name: SplitName) =>
      this.subset(perm.slice(from, to).sort(), name);
    return {
      test: part(0, nTest, 'test'),
      validation: part(nTest, nTest + nValidation, 'validation'),
      train: part(nTest + nValidation, this.size, 'train'),
    };
  }

  /**
   * A view whose batches are normalized as given (`null` removes a normalization). Statistics are
   * the caller's: take them from the training split (see {@link featureStatistics}).
   */
  withNormalization(normalization: {
    features?: Normalization | null;
    targets?: Normalization | null;
  }): Dataset {
    const f =
      'features' in normalization
        ? Dataset.checkFeatureAffine(
            this.storage.x,
            toAffine(normalization.features, this.storage.featureSize, 'feature'),
          )
        : this.featureAffine;
    if ('targets' in normalization && normalization.targets && this.numClasses !== undefined) {
      throw new RangeError('targetNormalization applies to regression targets, not to labels');
    }
    const t =
      'targets' in normalization
        ? toAffine(normalization.targets, this.storage.targetSize, 'target')
        : this.targetAffine;
    return this.view(this.rows, this.metadata.split, f, t, {
      featureNormalization:
        'features' in normalization
          ? (normalization.features ?? null)
          : this.metadata.featureNormalization,
      targetNormalization:
        'targets' in normalization
          ? (normalization.targets ?? null)
          : this.metadata.targetNormalization,
    });
  }

  /** A view with metadata fields replaced (sizes, shapes and split stay the dataset's own). */
  withMetadata(
    metadata: Partial<
      Omit<
        DatasetMetadata,
        'numSamples' | 'featureShape' | 'split' | 'featureNormalization' | 'targetNormalization'
      >
    >,
  ): Dataset {
    return this.view(
      this.rows,
      this.metadata.split,
      this.featureAffine,
      this.targetAffine,
      metadata,
    );
  }

  /** Per-feature mean, std (population), min and max of the stored (raw) features, in float64. */
  featureStatistics(): FeatureStatistics {
    return this.statistics(this.storage.x, this.storage.featureSize);
  }

  /** The same for regression targets. */
  targetStatistics(): FeatureStatistics {
    return this.statistics(this.storage.y, this.storage.targetSize);
  }

  private statistics(data: FeatureArray | TargetArray, width: number): FeatureStatistics {
    return columnStatistics(data, width, this.size, (i) => this.storageRow(i));
  }

  /** Number of batches per epoch. */
  numBatches(batchSize: number, dropRemainder = false): number {
    requireInteger('batchSize', batchSize, 1);
    return dropRemainder ? Math.floor(this.size / batchSize) : Math.ceil(this.size / batchSize);
  }

  /** The epoch's visiting order over view positions (memoized; a pure function of seed, epoch). */
  private order(seed: number, epoch: number): Uint32Array {
    const c = this.orderCache;
    if (c && c.seed === seed && c.epoch === epoch) return c.order;
    const order = epochOrder(this.size, seed, epoch);
    this.orderCache = { seed, epoch, order };
    return order;
  }

  /**
   * Batch `index` of an epoch: a pure function of `(seed, epoch, index, batchSize)`, so a resumed
   * run can ask for exactly the batch an uninterrupted run would have seen.
   */
  batch(index: number, options: BatchOptions): Batch {
    const { batchSize, shuffle, seed, epoch, labels, dropRemainder } = this.batchOptions(options);
    const count = this.numBatches(batchSize, dropRemainder);
    requireInteger('batch index', index, 0);
    if (index >= count) {
      throw new RangeError(
        `batch index must be < ${count}, the number of batches of ${batchSize} in ${this.size} samples (got ${index})`,
      );
    }
    const start = index * batchSize;
    const end = Math.min(this.size, start + batchSize);
    if (!shuffle) return this.gatherRange(start, end, labels);
    return this.gather(this.order(seed, epoch).subarray(start, end), labels);
  }

  /**
   * The batches of one epoch, from `startBatch` on. Each batch's tensors belong to the caller.
   * The epoch order is computed once (O(n) integers); no sample is copied except into its batch.
   */
  *batches(options: BatchesOptions): Generator<Batch, void, undefined> {
    const o = this.batchOptions(options);
    const start = requireInteger('startBatch', options.startBatch ?? 0, 0);
    const count = this.numBatches(o.batchSize, o.dropRemainder);
    for (let b = start; b < count; b++) yield this.batch(b, o);
  }

  private batchOptions(options: BatchOptions) {
    const batchSize = requireInteger('batchSize', options.batchSize, 1);
    const shuffle = options.shuffle ?? true;
    const seed = requireSeed('seed', options.seed ?? 0);
    const epoch = requireInteger('epoch', options.epoch ?? 0, 0);
    const labels = requireOneOf('labels', options.labels ?? 'oneHot', ['oneHot', 'index'] as const);
    const dropRemainder = options.dropRemainder ?? false;
    return { batchSize, shuffle, seed, epoch, labels, dropRemainder };
  }

  /** All samples of this view as one batch, in view order. */
  toTensors(options: { labels?: LabelEncoding } = {}): Batch {
    const labels = requireOneOf('labels', options.labels ?? 'oneHot', ['oneHot', 'index'] as const);
    return this.gatherRange(0, this.size, labels);
  }

  /** The samples at the given view positions as one batch, in the given order. */
  gather(positions: ArrayLike<number>, labels: LabelEncoding = 'oneHot'): Batch {
    const rows = new Uint32Array(positions.length);
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (!(p >= 0 && p < this.size)) {
        throw new RangeError(`position ${p} is outside [0, ${this.size})`);
      }
      rows[i] = this.storageRow(p);
    }
    return this.build(rows, null, labels);
  }

  private gatherRange(start: number, end: number, labels: LabelEncoding): Batch {
    if (this.rows) return this.build(this.rows.subarray(start, end), null, labels);
    return this.build(null, [start, end], labels);
  }

  /**
   * Features (normalized) and targets (normalized regression targets, or labels) of this view as
   * typed arrays, in view order: for plots and float64 analysis, not for training loops.
   */
  toArrays(): { x: Float32Array | Int32Array; y: Float32Array | Int32Array } {
    const rows = this.rows ?? null;
    const range: [number, number] | null = rows ? null : [0, this.size];
    return {
      x: this.buildFeatures(rows, range),
      y: this.numClasses === undefined ? this.buildTargets(rows, range) : this.labels(rows, range),
    };
  }

  private build(rows: Uint32Array | null, range: [number, number] | null, labels: LabelEncoding) {
    const n = rows ? rows.length : range![1] - range![0];
    const xValues = this.buildFeatures(rows, range);
    const x = tf.tensor(
      xValues,
      [n, ...this.featureShape],
      xValues instanceof Int32Array ? 'int32' : 'float32',
    );
    let y: tf.Tensor;
    if (this.numClasses === undefined) {
      y = tf.tensor(this.buildTargets(rows, range), [n, ...this.targetShape], 'float32');
    } else if (labels === 'index') {
      y = tf.tensor(this.labels(rows, range), [n, ...this.targetShape], 'int32');
    } else {
      y = tf.tensor(this.oneHot(rows, range), [n, ...this.targetShape, this.numClasses], 'float32');
    }
    return { x, y };
  }

  private buildFeatures(
    rows: Uint32Array | null,
    range: [number, number] | null,
  ): Float32Array | Int32Array {
    const { x, featureSize: f } = this.storage;
    const n = rows ? rows.length : range![1] - range![0];
    if (x instanceof Int32Array) {
      const out = new Int32Array(n * f);
      copyRows(out, x, rows, range, f);
      return out;
    }
    const out = new Float32Array(n * f);
    const a = this.featureAffine;
    if (!a && x instanceof Float32Array) {
      copyRows(out, x, rows, range, f);
    } else {
      affineRows(out, x, rows, range, f, a);
    }
    return out;
  }

  private buildTargets(rows: Uint32Array | null, range: [number, number] | null): Float32Array {
    const { y, targetSize: t } = this.storage;
    const n = rows ? rows.length : range![1] - range![0];
    const out = new Float32Array(n * t);
    affineRows(out, y, rows, range, t, this.targetAffine);
    return out;
  }

  private labels(rows: Uint32Array | null, range: [number, number] | null): Int32Array {
    const { y, targetSize: t } = this.storage;
    const n = rows ? rows.length : range![1] - range![0];
    const out = new Int32Array(n * t);
    copyRows(out, y, rows, range, t);
    return out;
  }

  private oneHot(rows: Uint32Array | null, range: [number, number] | null): Float32Array {
    const labels = this.labels(rows, range);
    const c = this.numClasses!;
    const out = new Float32Array(labels.length * c);
    for (let i = 0; i < labels.length; i++) out[i * c + labels[i]!] = 1;
    return out;
  }
}
