/**
 * CIFAR-10 and CIFAR-100 "binary version" files (https://www.cs.toronto.edu/~kriz/cifar.html).
 * CIFAR-10: records of 1 label byte + 3072 pixel bytes; CIFAR-100: coarse label byte, fine label
 * byte, 3072 pixel bytes. Pixels are stored channel-major (1024 red, 1024 green, 1024 blue, each
 * row-major 32 x 32); parsing converts them to the channels-last layout tfjs convolutions use.
 */
import { Dataset } from '../dataset.js';
import { DatasetFormatError, type ExpectedFile } from '../errors.js';
import type { Normalization } from '../metadata.js';
import {
  CIFAR10_CLASSES,
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
} from './cifar-classes.js';
import { isGzip } from './gzip.js';

export { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES };

import type { ReadLimits } from './limits.js';
import { type BinarySource, readContent, sourceName } from './source.js';

export type CifarVariant = 'cifar-10' | 'cifar-100';

/** Pixels per image (32 x 32 x 3). */
export const CIFAR_IMAGE_BYTES = 3072;

/** Record sizes of the two formats. */
export const CIFAR_RECORD_BYTES: Readonly<Record<CifarVariant, number>> = {
  'cifar-10': 1 + CIFAR_IMAGE_BYTES,
  'cifar-100': 2 + CIFAR_IMAGE_BYTES,
};

/** Pixel layout of parsed images: channels-last `[n, 32, 32, 3]` (default) or as stored `[n, 3, 32, 32]`. */
export type CifarLayout = 'nhwc' | 'nchw';

/** A parsed CIFAR file. */
export interface CifarBatch {
  /** Number of images. */
  readonly count: number;
  /** All pixels in the requested layout, `count * 3072` bytes. */
  readonly images: Uint8Array;
  /** CIFAR-10: the label of each image (0..9). CIFAR-100: the fine label (0..99). */
  readonly labels: Uint8Array;
  /** CIFAR-100 only: the coarse (superclass) label of each image (0..19). */
  readonly coarseLabels?: Uint8Array;
  readonly layout: CifarLayout;
}

export interface ParseCifarOptions {
  readonly file?: string;
  readonly layout?: CifarLayout;
  /**
   * The number of records the file must hold (the official files hold 10,000, CIFAR-100's
   * train.bin 50,000). A file cut at a record boundary is otherwise indistinguishable from a
   * smaller set; the directory loaders always pass it.
   */
  readonly expectedRecords?: number;
}

/** Where users usually get the files, for error messages. */
export function cifarObtainHint(variant: CifarVariant): string {
  const archive = variant === 'cifar-10' ? 'cifar-10-binary.tar.gz' : 'cifar-100-binary.tar.gz';
  const folder = variant === 'cifar-10' ? 'cifar-10-batches-bin' : 'cifar-100-binary';
  return `${variant.toUpperCase()} comes from https://www.cs.toronto.edu/~kriz/cifar.html: download the "binary version" (${archive}), unpack it (tar xzf ${archive}) and point the loader at the ${folder} folder.`;
}

/** The files of each variant, standard names. */
export const CIFAR_FILES: Readonly<
  Record<CifarVariant, { train: ExpectedFile[]; test: ExpectedFile[] }>
> = {
  'cifar-10': {
    train: [1, 2, 3, 4, 5].map((i) => ({
      role: `training batch ${i}`,
      names: [`data_batch_${i}.bin`],
    })),
    test: [{ role: 'test batch', names: ['test_batch.bin'] }],
  },
  'cifar-100': {
    train: [{ role: 'training set', names: ['train.bin'] }],
    test: [{ role: 'test set', names: ['test.bin'] }],
  },
};

/**
 * Parse one uncompressed CIFAR binary file. Throws {@link DatasetFormatError} for an empty file, a
 * size that is not a whole number of records (a truncated file), an out-of-range label, or a
 * record count other than `expectedRecords`.
 */
export function parseCifar(
  bytes: Uint8Array,
  variant: CifarVariant,
  options: ParseCifarOptions = {},
): CifarBatch {
  const file = options.file ?? '<bytes>';
  const layout = options.layout ?? 'nhwc';
  const record = CIFAR_RECORD_BYTES[variant];
  const labelBytes = record - CIFAR_IMAGE_BYTES;
  const recordText =
    variant === 'cifar-10'
      ? `${record}-byte CIFAR-10 records (1 label byte + 3072 pixel bytes)`
      : `${record}-byte CIFAR-100 records (coarse label byte + fine label byte + 3072 pixel bytes)`;
  if (bytes.length === 0) {
    throw new DatasetFormatError({ file, offset: 0, expected: recordText, found: 'an empty file' });
  }
  if (bytes.length % record !== 0) {
    const whole = Math.floor(bytes.length / record);
    const other = variant === 'cifar-10' ? 'cifar-100' : 'cifar-10';
    const looksOther = bytes.length % CIFAR_RECORD_BYTES[other] === 0;
    throw new DatasetFormatError({
      file,
      offset: whole * record,
      expected: `a whole number of ${recordText}`,
      // Kept under the 80 characters a DatasetFormatError quotes in full, even for 1 GiB files;
      // "truncated" is said in the hint, where it applies (not to gzip or the other variant).
      found: `${bytes.length} bytes: ${whole} whole record(s) and ${bytes.length - whole * record} byte(s) of record ${whole + 1}`,
      hint: isGzip(bytes)
        ? 'The file is gzip-compressed: use readCifar (or readCifarFile in Node), which decompresses it.'
        : looksOther
          ? `The size fits ${other.toUpperCase()} records: is this a ${other.toUpperCase()} file?`
          : 'The file is truncated: download it again.',
    });
  }
  const count = bytes.length / record;
  if (options.expectedRecords !== undefined && count !== options.expectedRecords) {
    throw new DatasetFormatError({
      file,
      offset: bytes.length,
      expected: `${options.expectedRecords} records (${options.expectedRecords * record} bytes)`,
      found: `${count} records (${bytes.length} bytes)`,
      hint: 'Download the file again.',
    });
  }
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const coarse = variant === 'cifar-100' ? new Uint8Array(count) : undefined;
  const maxLabel = variant === 'cifar-10' ? 9 : 99;
  for (let r = 0; r < count; r++) {
    const base = r * record;
    const label = bytes[base + labelBytes - 1]!;
    if (label > maxLabel) {
      throw new DatasetFormatError({
        file,
        offset: base + labelBytes - 1,
        expected: `a ${variant === 'cifar-10' ? 'label' : 'fine label'} 0..${maxLabel} (record ${r + 1})`,
        found: String(label),
      });
    }
    labels[r] = label;
    if (coarse) {
      const c = bytes[base]!;
      if (c > 19) {
        throw new DatasetFormatError({
          file,
          offset: base,
          expected: `a coarse label 0..19 (record ${r + 1})`,
          found: String(c),
        });
      }
      coarse[r] = c;
    }
    const src = base + labelBytes;
    const dst = r * CIFAR_IMAGE_BYTES;
    if (layout === 'nchw') {
      images.set(bytes.subarray(src, src + CIFAR_IMAGE_BYTES), dst);
    } else {
      for (let p = 0; p < 1024; p++) {
        const o = dst + 3 * p;
        images[o] = bytes[src + p]!;
        images[o + 1] = bytes[src + 1024 + p]!;
        images[o + 2] = bytes[src + 2048 + p]!;
      }
    }
  }
  return coarse
    ? { count, images, labels, coarseLabels: coarse, layout }
    : { count, images, labels, layout };
}

/**
 * Serialize images (channels-last `[n, 32, 32, 3]` bytes) and labels as a CIFAR binary file, e.g.
 * to write fixtures. CIFAR-100 needs `coarseLabels`.
 */
export function encodeCifar(
  variant: CifarVariant,
  images: Uint8Array,
  labels: ArrayLike<number>,
  coarseLabels?: ArrayLike<number>,
): Uint8Array {
  const n = labels.length;
  if (images.length !== n * CIFAR_IMAGE_BYTES) {
    throw new RangeError(
      `images must hold ${n} x 3072 bytes for ${n} labels (got ${images.length})`,
    );
  }
  if (variant === 'cifar-100' && coarseLabels?.length !== n) {
    throw new RangeError('CIFAR-100 needs one coarse label per image');
  }
  const record = CIFAR_RECORD_BYTES[variant];
  const out = new Uint8Array(n * record);
  for (let r = 0; r < n; r++) {
    let at = r * record;
    if (variant === 'cifar-100') out[at++] = coarseLabels![r]!;
    out[at++] = labels[r]!;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++)
        out[at + c * 1024 + p] = images[r * CIFAR_IMAGE_BYTES + 3 * p + c]!;
    }
  }
  return out;
}

/** Read a CIFAR file from bytes, a Blob/File or a URL, raw or gzip-compressed. */
export async function readCifar(
  source: BinarySource,
  variant: CifarVariant,
  options: ParseCifarOptions & ReadLimits = {},
): Promise<CifarBatch> {
  const file = sourceName(source, options.file);
  const bytes = await readContent(source, file, options);
  return parseCifar(bytes, variant, { ...options, file });
}

export interface CifarDatasetOptions {
  /** CIFAR-100: which labels are the targets (default `fine`). */
  readonly labels?: 'fine' | 'coarse';
  /** Pixel scaling applied in batches; default `{ mean: 0, std: 255 }` (values in [0, 1]). */
  readonly normalization?: Normalization | null;
  readonly split?: 'train' | 'test';
  /** File names, for metadata. */
  readonly files?: readonly string[];
}

/**
 * One dataset from parsed CIFAR files (e.g. data_batch_1..5): images concatenated into one
 * Uint8Array, `[32, 32, 3]` features (or `[3, 32, 32]` for `nchw` batches).
 */
export function cifarDataset(
  batches: readonly CifarBatch[],
  variant: CifarVariant,
  options: CifarDatasetOptions = {},
): Dataset {
  if (batches.length === 0) throw new RangeError('cifarDataset needs at least one parsed batch');
  const layout = batches[0]!.layout;
  if (batches.some((b) => b.layout !== layout)) {
    throw new RangeError('all CIFAR batches must use the same layout');
  }
  const which = variant === 'cifar-100' ? (options.labels ?? 'fine') : 'fine';
  const count = batches.reduce((a, b) => a + b.count, 0);
  const images =
    batches.length === 1 ? batches[0]!.images : new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const b of batches) {
    if (batches.length > 1) images.set(b.images, at * CIFAR_IMAGE_BYTES);
    const l = which === 'coarse' ? b.coarseLabels : b.labels;
    if (!l) throw new RangeError('coarse labels exist only in CIFAR-100 batches');
    labels.set(l, at);
    at += b.count;
  }
  const classes =
    variant === 'cifar-10'
      ? CIFAR10_CLASSES
      : which === 'coarse'
        ? CIFAR100_COARSE_CLASSES
        : CIFAR100_FINE_CLASSES;
  const normalization =
    options.normalization === undefined ? { mean: 0, std: 255 } : options.normalization;
  return new Dataset({
    split: options.split ?? 'all',
    x: images,
    featureShape: layout === 'nhwc' ? [32, 32, 3] : [3, 32, 32],
    y: labels,
    targetShape: [],
    numClasses: classes.length,
    featureNormalization: normalization,
    metadata: {
      name: variant,
      task: 'classification',
      description:
        variant === 'cifar-10'
          ? '32 x 32 colour images; predict the object class (10 classes).'
          : `32 x 32 colour images; predict the ${which} class (${classes.length} classes).`,
      featureNames: [],
      targetNames: [],
      classes,
      source:
        'A. Krizhevsky, Learning Multiple Layers of Features from Tiny Images, tech. report, University of Toronto, 2009',
      licence: 'No explicit licence; the CIFAR page asks users to cite Krizhevsky (2009)',
      preprocessing: [
        ...(layout === 'nhwc'
          ? ["pixels reordered from the files' channel-major layout to channels-last [32, 32, 3]"]
          : []),
        ...(normalization
          ? [
              `pixels scaled as (value - ${JSON.stringify(normalization.mean)}) / ${JSON.stringify(normalization.std)} in batches`,
            ]
          : []),
      ],
      details: { files: options.files ?? [], labels: which },
    },
  });
}
