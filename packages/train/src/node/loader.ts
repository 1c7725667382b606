import {
  type DataFileOptions,
  loadCifarDirectory,
  loadDataPath,
  loadMnistDirectory,
} from '@deltaclip/datasets/node';
import { requireInRange } from '@deltaclip/utils';
import { type DatasetLoader, type DatasetSpec, loadDataset } from '../task.js';

const FILE_DATASETS = ['mnist', 'fashion-mnist', 'cifar-10', 'cifar-100'] as const;

function subsetFirst<D extends { size: number; subset(rows: ArrayLike<number>): D }>(
  ds: D,
  n?: number,
): D {
  if (n === undefined || n >= ds.size) return ds;
  return ds.subset(Array.from({ length: n }, (_, i) => i));
}

/** What `loadDataPath` is asked for a spec with `file` (the loader and the CLI's description agree). */
export function dataPathOptions(spec: DatasetSpec): DataFileOptions {
  return {
    ...(spec.target !== undefined ? { target: spec.target } : {}),
    ...(spec.drop !== undefined ? { drop: spec.drop } : {}),
    ...(spec.task !== undefined ? { task: spec.task } : {}),
    ...(spec.split?.validation !== undefined ? { validation: spec.split.validation } : {}),
    ...(spec.split?.test !== undefined ? { test: spec.split.test } : {}),
    seed: (spec.options?.seed as number | undefined) ?? 0,
  };
}

/**
 * The Node loader: everything `loadDataset` loads, plus MNIST, Fashion-MNIST and CIFAR from the
 * folder in `spec.dir` (without one, from the datasets' search path: $DELTACLIP_DATA_DIR, then
 * /usr/share/datasets/<name>), and a user's own table or image folder in `spec.file` (through
 * `loadDataPath`: target, dropped columns and task from the spec, the split seeded by
 * `options.seed`). A missing file is a DatasetNotFoundError naming every folder searched.
 * `split.validation` holds out a seeded part of the official training split.
 */
export const loadDatasetNode: DatasetLoader = async (spec) => {
  const seed = (spec.options?.seed as number | undefined) ?? 0;
  if (spec.file !== undefined) {
    const { train, validation, test } = await loadDataPath(spec.file, dataPathOptions(spec));
    return {
      train: subsetFirst(train, spec.limit?.train),
      ...(validation && validation.size > 0 ? { validation } : {}),
      ...(test && test.size > 0 ? { test: subsetFirst(test, spec.limit?.test) } : {}),
    };
  }
  if (!(FILE_DATASETS as readonly string[]).includes(spec.name)) return loadDataset(spec);
  const { train, test } = spec.name.startsWith('cifar')
    ? await loadCifarDirectory(spec.dir, { variant: spec.name as 'cifar-10' | 'cifar-100' })
    : await loadMnistDirectory(spec.dir, { variant: spec.name as 'mnist' | 'fashion-mnist' });
  const validation = requireInRange('split.validation', spec.split?.validation ?? 0, 0, 0.9);
  const parts = validation > 0 ? train.split({ validation, test: 0, seed }) : undefined;
  return {
    train: subsetFirst(parts ? parts.train : train, spec.limit?.train),
    ...(parts ? { validation: parts.validation } : {}),
    test: subsetFirst(test, spec.limit?.test),
  };
};
