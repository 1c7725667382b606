/**
 * MNIST and Fashion-MNIST from their four IDX files (raw or gzip): 28 x 28 grey images stored as
 * one Uint8Array, labels 0..9.
 */
import { Dataset } from '../dataset.js';
import { DatasetFormatError, type ExpectedFile } from '../errors.js';
import type { Normalization } from '../metadata.js';
import { type IdxArray, readIdx } from './idx.js';
import type { BinarySource } from './source.js';

export type MnistVariant = 'mnist' | 'fashion-mnist';

const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

const INFO: Readonly<
  Record<
    MnistVariant,
    {
      classes: readonly string[];
      description: string;
      source: string;
      licence: string;
      obtain: string;
    }
  >
> = {
  mnist: {
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    description: 'Handwritten digits, 28 x 28 grey images; predict the digit (10 classes).',
    source: 'Y. LeCun, C. Cortes, C. J. C. Burges, The MNIST database of handwritten digits',
    licence: 'CC BY-SA 3.0',
    obtain:
      'MNIST is distributed as four IDX files (gzip-compressed, *.gz), e.g. from https://yann.lecun.com/exdb/mnist/ or the mirrors torchvision uses; keep them compressed or gunzip them.',
  },
  'fashion-mnist': {
    classes: FASHION_CLASSES,
    description: 'Zalando article images, 28 x 28 grey; predict the article type (10 classes).',
    source:
      'H. Xiao, K. Rasul, R. Vollgraf, Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms (Zalando Research, 2017)',
    licence: 'MIT',
    obtain:
      'Fashion-MNIST is distributed as four gzip-compressed IDX files in the data/fashion folder of https://github.com/zalandoresearch/fashion-mnist; keep them compressed or gunzip them.',
  },
};

/** The four files of an MNIST-format dataset, with their standard names (first) and variants. */
export const MNIST_FILES: Readonly<
  Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', ExpectedFile>
> = {
  trainImages: {
    role: 'training images',
    names: ['train-images-idx3-ubyte.gz', 'train-images-idx3-ubyte', 'train-images.idx3-ubyte'],
  },
  trainLabels: {
    role: 'training labels',
    names: ['train-labels-idx1-ubyte.gz', 'train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'],
  },
  testImages: {
    role: 'test images',
    names: ['t10k-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'],
  },
  testLabels: {
    role: 'test labels',
    names: ['t10k-labels-idx1-ubyte.gz', 't10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'],
  },
};

/** Where users usually get the files, for error messages. */
export function mnistObtainHint(variant: MnistVariant): string {
  return INFO[variant].obtain;
}

export interface MnistOptions {
  readonly variant?: MnistVariant;
  /** Pixel scaling applied in batches; default `{ mean: 0, std: 255 }` (values in [0, 1]). `null`: raw 0..255. */
  readonly normalization?: Normalization | null;
}

/**
 * A dataset from a parsed images file (uint8, [n, rows, cols]) and labels file (uint8, [n]).
 * Throws {@link DatasetFormatError} when the counts differ or a label is not 0..9.
 */
export function mnistDataset(
  images: IdxArray,
  labels: IdxArray,
  options: MnistOptions & {
    imagesFile?: string;
    labelsFile?: string;
    split?: 'train' | 'test';
  } = {},
): Dataset {
  const variant = options.variant ?? 'mnist';
  const imagesFile = options.imagesFile ?? '<images>';
  const labelsFile = options.labelsFile ?? '<labels>';
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new DatasetFormatError({
      file: imagesFile,
      offset: 0,
      expected: 'uint8 images of 3 dimensions (magic 0x00000803)',
      found: `${images.dtype} data of ${images.shape.length} dimension(s)`,
    });
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new DatasetFormatError({
      file: labelsFile,
      offset: 0,
      expected: 'uint8 labels of 1 dimension (magic 0x00000801)',
      found: `${labels.dtype} data of ${labels.shape.length} dimension(s)`,
    });
  }
  const [n, rows, cols] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) {
    throw new DatasetFormatError({
      file: labelsFile,
      offset: 4,
      expected: `${n} labels, one per image in ${imagesFile}`,
      found: `${labels.shape[0]} labels`,
    });
  }
  const y = labels.data as Uint8Array;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! > 9) {
      throw new DatasetFormatError({
        file: labelsFile,
        offset: 8 + i,
        expected: 'a label 0..9',
        found: String(y[i]),
      });
    }
  }
  const info = INFO[variant];
  const normalization =
    options.normalization === undefined ? { mean: 0, std: 255 } : options.normalization;
  const ds = new Dataset({
    split: options.split ?? 'all',
    x: images.data as Uint8Array,
    featureShape: [rows, cols, 1],
    y,
    targetShape: [],
    numClasses: 10,
    featureNormalization: normalization,
    metadata: {
      name: variant,
      task: 'classification',
      description: info.description,
      featureNames: [],
      targetNames: [],
      classes: info.classes,
      source: info.source,
      licence: info.licence,
      preprocessing: normalization
        ? [
            `pixels scaled as (value - ${JSON.stringify(normalization.mean)}) / ${JSON.stringify(normalization.std)} in batches`,
          ]
        : [],
      details: { imagesFile, labelsFile },
    },
  });
  return ds;
}

/** The four sources of an MNIST-format dataset. */
export interface MnistSources {
  readonly trainImages: BinarySource;
  readonly trainLabels: BinarySource;
  readonly testImages: BinarySource;
  readonly testLabels: BinarySource;
}

/**
 * MNIST or Fashion-MNIST from four sources (bytes, Blobs or URLs; raw or gzip).
 *
 * @example
 * const { train, test } = await readMnist({ trainImages: fileA, trainLabels: fileB, testImages: fileC, testLabels: fileD }, { variant: 'fashion-mnist' });
 */
export async function readMnist(
  sources: MnistSources,
  options: MnistOptions & { files?: Partial<Record<keyof MnistSources, string>> } = {},
): Promise<{ train: Dataset; test: Dataset }> {
  const names = options.files ?? {};
  const read = (key: keyof MnistSources, ndims: number) =>
    readIdx(sources[key], { file: names[key], dtype: 'uint8', ndims });
  const [trI, trL, teI, teL] = await Promise.all([
    read('trainImages', 3),
    read('trainLabels', 1),
    read('testImages', 3),
    read('testLabels', 1),
  ]);
  return {
    train: mnistDataset(trI, trL, {
      ...options,
      split: 'train',
      imagesFile: names.trainImages,
      labelsFile: names.trainLabels,
    }),
    test: mnistDataset(teI, teL, {
      ...options,
      split: 'test',
      imagesFile: names.testImages,
      labelsFile: names.testLabels,
    }),
  };
}
