import { loadCifarDirectory, loadMnistDirectory } from '@deltaclip/datasets/node';
import { requireInRange } from '@deltaclip/utils';
import { type DatasetLoader, loadDataset } from '../task.js';

const FILE_DATASETS = ['mnist', 'fashion-mnist', 'cifar-10', 'cifar-100'] as const;

function subsetFirst<D extends { size: number; subset(rows: ArrayLike<number>): D }>(
  ds: D,
  n?: number,
): D {
  if (n === undefined || n >= ds.size) return ds;
  return ds.subset(Array.from({ length: n }, (_, i) => i));
}

/**
 * The Node loader: everything `loadDataset` loads, plus MNIST, Fashion-MNIST and CIFAR from the
 * folder in `spec.dir` (the standard file names; a missing file is reported with where to get it).
 * `split.validation` holds out a seeded part of the official training split.
 */
export const loadDatasetNode: DatasetLoader = async (spec) => {
  if (!(FILE_DATASETS as readonly string[]).includes(spec.name)) return loadDataset(spec);
  if (spec.dir === undefined) {
    throw new RangeError(
      `Dataset '${spec.name}' is read from files: pass the folder that holds them (--data-dir <dir>)`,
    );
  }
  const { train, test } = spec.name.startsWith('cifar')
    ? await loadCifarDirectory(spec.dir, { variant: spec.name as 'cifar-10' | 'cifar-100' })
    : await loadMnistDirectory(spec.dir, { variant: spec.name as 'mnist' | 'fashion-mnist' });
  const validation = requireInRange('split.validation', spec.split?.validation ?? 0, 0, 0.9);
  const seed = (spec.options?.seed as number | undefined) ?? 0;
  const parts = validation > 0 ? train.split({ validation, test: 0, seed }) : undefined;
  return {
    train: subsetFirst(parts ? parts.train : train, spec.limit?.train),
    ...(parts ? { validation: parts.validation } : {}),
    test: subsetFirst(test, spec.limit?.test),
  };
};
