/**
 * Directory loaders: point at a folder with the standard file names of MNIST, Fashion-MNIST,
 * CIFAR-10 or CIFAR-100 (or its usual parent folder) and get train and test datasets. Missing
 * files raise a DatasetNotFoundError that lists what was expected, where it looked, and where the
 * files are usually obtained.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireOneOf } from '@deltaclip/utils';
import type { Dataset } from '../dataset.js';
import { DatasetNotFoundError, type ExpectedFile } from '../errors.js';
import {
  CIFAR_FILES,
  CIFAR_IMAGE_BYTES,
  type CifarDatasetOptions,
  type CifarLayout,
  type CifarVariant,
  cifarDataset,
  cifarObtainHint,
} from '../formats/cifar.js';
import type { ReadLimits } from '../formats/limits.js';
import {
  MNIST_FILES,
  type MnistOptions,
  type MnistVariant,
  mnistDataset,
  mnistObtainHint,
} from '../formats/mnist.js';
import { type FilePath, readCifarFile, readIdxFile } from './files.js';

/** Sub-folders searched below the given folder, per dataset (torchvision and archive layouts). */
const SUBFOLDERS: Readonly<Record<MnistVariant | CifarVariant, readonly string[]>> = {
  mnist: ['raw', 'MNIST/raw', 'mnist'],
  'fashion-mnist': ['raw', 'FashionMNIST/raw', 'fashion', 'data/fashion', 'fashion-mnist'],
  'cifar-10': ['cifar-10-batches-bin'],
  'cifar-100': ['cifar-100-binary'],
};

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The environment variable that names a folder of datasets (searched before system folders). */
export const DATA_DIR_ENV = 'DELTACLIP_DATA_DIR';

/** System folders with datasets installed by a package manager (Debian's `dataset-*` packages). */
export const SYSTEM_DATA_DIRS: readonly string[] = ['/usr/share/datasets'];

/**
 * Where a dataset's files are looked for when no folder is given, in order:
 * `$DELTACLIP_DATA_DIR/<name>`, `$DELTACLIP_DATA_DIR`, then `/usr/share/datasets/<name>` (where
 * Debian's `dataset-fashion-mnist` installs the four IDX .gz files). An explicit folder replaces
 * the whole list.
 */
export function dataSearchPath(
  dataset: MnistVariant | CifarVariant,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string[] {
  const dirs: string[] = [];
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv) dirs.push(join(resolve(fromEnv), dataset), resolve(fromEnv));
  for (const d of SYSTEM_DATA_DIRS) dirs.push(join(d, dataset));
  return dirs;
}

function findIn(
  root: string,
  dataset: MnistVariant | CifarVariant,
  expected: readonly ExpectedFile[],
) {
  const folders = [root, ...SUBFOLDERS[dataset].map((s) => join(root, s))];
  const found: string[] = [];
  const missing: ExpectedFile[] = [];
  for (const file of expected) {
    let hit: string | undefined;
    for (const folder of folders) {
      hit = file.names.map((n) => join(folder, n)).find(isFile);
      if (hit) break;
    }
    if (hit) found.push(hit);
    else missing.push(file);
  }
  return { folders, found, missing };
}

/**
 * Find every expected file in the folder (or its known sub-folders); without a folder, in the
 * first folder of {@link dataSearchPath} that holds them all. Throws DatasetNotFoundError listing
 * what is missing and every folder searched.
 */
export function locateFiles(
  dataset: MnistVariant | CifarVariant,
  dir: FilePath | undefined,
  expected: readonly ExpectedFile[],
  obtain: string,
): string[] {
  if (dir !== undefined) {
    const root = resolve(dir instanceof URL ? fileURLToPath(dir) : dir);
    const { folders, found, missing } = findIn(root, dataset, expected);
    if (missing.length === 0) return found;
    const note = existsSync(root) ? obtain : `The folder '${root}' does not exist. ${obtain}`;
    throw new DatasetNotFoundError(dataset, folders, missing, note);
  }
  const searched: string[] = [];
  let fewestMissing: ExpectedFile[] = [...expected];
  for (const root of dataSearchPath(dataset)) {
    const { folders, found, missing } = findIn(root, dataset, expected);
    if (missing.length === 0) return found;
    searched.push(...folders);
    if (missing.length < fewestMissing.length) fewestMissing = missing;
  }
  throw new DatasetNotFoundError(
    dataset,
    searched,
    fewestMissing,
    `No folder was given, so the search path was used (set ${DATA_DIR_ENV} or pass a folder). ${obtain}`,
  );
}

/**
 * MNIST or Fashion-MNIST from a folder (undefined: the first folder of {@link dataSearchPath} that
 * holds the files, e.g. Debian's /usr/share/datasets/fashion-mnist) holding train-images-idx3-ubyte(.gz),
 * train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz)
 * (also found in raw/, MNIST/raw/, FashionMNIST/raw/ or data/fashion/ below it).
 *
 * @example
 * const { train, test } = await loadMnistDirectory('~/data/fashion', { variant: 'fashion-mnist' });
 */
export async function loadMnistDirectory(
  dir: FilePath | undefined,
  options: MnistOptions & ReadLimits = {},
): Promise<{ train: Dataset; test: Dataset }> {
  const variant = requireOneOf('variant', options.variant ?? 'mnist', [
    'mnist',
    'fashion-mnist',
  ] as const);
  const [trI, trL, teI, teL] = locateFiles(
    variant,
    dir,
    [
      MNIST_FILES.trainImages,
      MNIST_FILES.trainLabels,
      MNIST_FILES.testImages,
      MNIST_FILES.testLabels,
    ],
    mnistObtainHint(variant),
  ) as [string, string, string, string];
  const limits = options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {};
  const images = (f: string) => readIdxFile(f, { dtype: 'uint8', ndims: 3, ...limits });
  const labels = (f: string) => readIdxFile(f, { dtype: 'uint8', ndims: 1, ...limits });
  const [a, b, c, d] = await Promise.all([images(trI), labels(trL), images(teI), labels(teL)]);
  return {
    train: mnistDataset(a, b, {
      ...options,
      variant,
      split: 'train',
      imagesFile: trI,
      labelsFile: trL,
    }),
    test: mnistDataset(c, d, {
      ...options,
      variant,
      split: 'test',
      imagesFile: teI,
      labelsFile: teL,
    }),
  };
}

export interface CifarDirectoryOptions
  extends Omit<CifarDatasetOptions, 'split' | 'files'>,
    ReadLimits {
  readonly variant?: CifarVariant;
  readonly layout?: CifarLayout;
}

/** Records per official file. */
function officialRecords(variant: CifarVariant, file: string): number {
  return variant === 'cifar-100' && file.endsWith('train.bin') ? 50_000 : 10_000;
}

async function readSplit(
  variant: CifarVariant,
  files: readonly string[],
  options: CifarDirectoryOptions,
  split: 'train' | 'test',
): Promise<Dataset> {
  const layout = options.layout ?? 'nhwc';
  const counts = files.map((f) => officialRecords(variant, f));
  const total = counts.reduce((a, b) => a + b, 0);
  // One allocation for the whole split; each file is parsed and copied in, then dropped.
  const images = new Uint8Array(total * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(total);
  const coarse = variant === 'cifar-100' ? new Uint8Array(total) : undefined;
  let at = 0;
  for (let i = 0; i < files.length; i++) {
    const batch = await readCifarFile(files[i]!, variant, {
      layout,
      expectedRecords: counts[i]!,
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    });
    images.set(batch.images, at * CIFAR_IMAGE_BYTES);
    labels.set(batch.labels, at);
    if (coarse && batch.coarseLabels) coarse.set(batch.coarseLabels, at);
    at += batch.count;
  }
  return cifarDataset(
    [
      coarse
        ? { count: total, images, labels, coarseLabels: coarse, layout }
        : { count: total, images, labels, layout },
    ],
    variant,
    { ...options, split, files },
  );
}

/**
 * CIFAR-10 (data_batch_1.bin .. data_batch_5.bin, test_batch.bin) or CIFAR-100 (train.bin,
 * test.bin) from the folder of the unpacked "binary version" (or its parent). Every file must hold
 * its official number of records.
 *
 * @example
 * const { train, test } = await loadCifarDirectory('~/data/cifar-10-batches-bin');
 */
export async function loadCifarDirectory(
  dir: FilePath | undefined,
  options: CifarDirectoryOptions = {},
): Promise<{ train: Dataset; test: Dataset }> {
  const variant = requireOneOf('variant', options.variant ?? 'cifar-10', [
    'cifar-10',
    'cifar-100',
  ] as const);
  const { train, test } = CIFAR_FILES[variant];
  const found = locateFiles(variant, dir, [...train, ...test], cifarObtainHint(variant));
  return {
    train: await readSplit(variant, found.slice(0, train.length), options, 'train'),
    test: await readSplit(variant, found.slice(train.length), options, 'test'),
  };
}
