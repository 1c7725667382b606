import { basename } from 'node:path';
import { CATALOG } from '@deltaclip/datasets';
import { type DataFileDescription, loadDataPath } from '@deltaclip/datasets/node';
import type { DatasetSpec, LossSpec, RunSpec, TaskSpec } from '@deltaclip/train';
import { dataPathOptions, loadDatasetNode } from '@deltaclip/train/node';
import { type OptionDef, UsageError, type Values } from './args.js';
import { batchSize, integerAtLeast, oneOf } from './option-schemas.js';
import { completeModel, LOSS_NAMES, parseLoss, parseModelSpec, parseSchedule } from './specs.js';

const DATASET_NAMES = CATALOG.map((e) => e.name);

export const EPOCHS_OPTION: OptionDef = {
  name: 'epochs',
  type: 'integer',
  valueName: 'n',
  description: 'epochs (full batch: steps)',
  schema: integerAtLeast(1),
};

export const BATCH_SIZE_OPTION: OptionDef = {
  name: 'batch-size',
  type: 'integer',
  valueName: 'n|full',
  description: "samples per step, or 'full' for full-batch gradient descent",
  schema: batchSize(),
};

export const SCHEDULE_OPTION: OptionDef = {
  name: 'schedule',
  type: 'string',
  valueName: 'spec',
  description:
    "learning-rate schedule for every optimizer: 'step-decay:boundaries=100+150,factor=0.1,unit=epoch', 'cosine:steps=1000', 'warmup-cosine:warmup=100,steps=1000'",
};

export const LIMIT_TRAIN_OPTION: OptionDef = {
  name: 'limit-train',
  type: 'integer',
  valueName: 'n',
  description: 'use only the first n training samples',
  schema: integerAtLeast(1),
};

export const LIMIT_TEST_OPTION: OptionDef = {
  name: 'limit-test',
  type: 'integer',
  valueName: 'n',
  description: 'use only the first n test samples',
  schema: integerAtLeast(1),
};

export const TASKS = ['regression', 'classification'] as const;

/** `--data PATH` and what to read from it (also used by `deltaclip datasets`). */
export const DATA_FILE_OPTIONS: readonly OptionDef[] = [
  {
    name: 'data',
    type: 'string',
    valueName: 'path',
    description:
      'your own data: a CSV, TSV or JSON (array of records) file, or a folder of IDX (MNIST-style) or CIFAR binary files',
  },
  {
    name: 'target',
    type: 'string',
    valueName: 'column',
    description: 'with --data: the column to predict (default: the last column)',
  },
  {
    name: 'drop',
    type: 'string',
    valueName: 'col,...',
    description: 'with --data: columns to ignore, comma-separated',
  },
  {
    name: 'task',
    type: 'string',
    valueName: 'kind',
    description:
      'with --data: regression or classification (default: inferred from the target: numeric -> regression)',
    schema: oneOf(TASKS),
    choices: TASKS,
  },
];

/** The dataset part of a task from --dataset / --data and their companions. */
export function datasetSpecFromValues(values: Values): DatasetSpec {
  const file = typeof values.data === 'string' ? values.data : undefined;
  if (file !== undefined && values.dataset !== undefined) {
    throw new UsageError(
      `--dataset and --data both name the data (got --dataset ${String(values.dataset)} and --data ${file}): pass one of them`,
    );
  }
  if (file === undefined) {
    for (const flag of ['target', 'drop', 'task'] as const) {
      if (values[flag] !== undefined) {
        throw new UsageError(
          `--${flag} applies to your own file (--data <path>), not to a catalog dataset`,
        );
      }
    }
  }
  if (file !== undefined && values['data-dir'] !== undefined) {
    throw new UsageError(
      '--data-dir applies to catalog datasets (--dataset fashion-mnist, ...): with --data, pass the folder itself as --data <dir>',
    );
  }
  const drop =
    typeof values.drop === 'string'
      ? values.drop
          .split(',')
          .map((c) => c.trim())
          .filter((c) => c !== '')
      : undefined;
  if (drop !== undefined && drop.length === 0) {
    throw new UsageError(`--drop needs column names, comma-separated (got '${values.drop}')`);
  }
  const limit =
    values['limit-train'] !== undefined || values['limit-test'] !== undefined
      ? {
          limit: {
            ...(values['limit-train'] !== undefined
              ? { train: Number(values['limit-train']) }
              : {}),
            ...(values['limit-test'] !== undefined ? { test: Number(values['limit-test']) } : {}),
          },
        }
      : {};
  if (file !== undefined) {
    return {
      name: basename(file),
      file,
      ...(typeof values.target === 'string' ? { target: values.target } : {}),
      ...(drop ? { drop } : {}),
      ...(typeof values.task === 'string' ? { task: values.task as (typeof TASKS)[number] } : {}),
      ...limit,
    };
  }
  return {
    name: typeof values.dataset === 'string' ? values.dataset : 'cars',
    ...(values['data-dir'] !== undefined ? { dir: String(values['data-dir']) } : {}),
    ...limit,
  };
}

/** Options that define what is trained: data, model, loss, length, schedule, analysis. */
export const TASK_OPTIONS: readonly OptionDef[] = [
  {
    name: 'dataset',
    type: 'string',
    valueName: 'name',
    description: "dataset name (see 'deltaclip datasets'; default: cars)",
    schema: oneOf(DATASET_NAMES),
    choices: DATASET_NAMES,
  },
  ...DATA_FILE_OPTIONS,
  {
    name: 'data-dir',
    type: 'string',
    valueName: 'dir',
    description:
      'folder with the files of mnist, fashion-mnist, cifar-10, cifar-100 (default: $DELTACLIP_DATA_DIR, then /usr/share/datasets/<name>)',
  },
  {
    name: 'model',
    type: 'string',
    valueName: 'spec',
    description:
      "model: 'mlp:hidden=1024,parameterization=ntk', 'resnet:preset=resnet-mini', 'vit:preset=vit-mini', 'vae:preset=vae-paper', or JSON (default: a wide NTK MLP for tables and 2-D sets)",
  },
  {
    name: 'loss',
    type: 'string',
    valueName: 'name',
    description: `${LOSS_NAMES.join(', ')} (default: half-mean for regression, cross-entropy for classification)`,
    schema: oneOf(LOSS_NAMES),
    choices: LOSS_NAMES,
  },
  EPOCHS_OPTION,
  BATCH_SIZE_OPTION,
  {
    name: 'max-steps',
    type: 'integer',
    valueName: 'n',
    description: 'stop after this many steps',
    schema: integerAtLeast(1),
  },
  SCHEDULE_OPTION,
  {
    name: 'analysis-every',
    type: 'integer',
    valueName: 'k',
    description: 'PL* analysis every k steps (0: off)',
    schema: integerAtLeast(0),
  },
  {
    name: 'kernel-samples',
    type: 'integer',
    valueName: 'n',
    description: 'tangent-kernel samples per analysis (0: skip the kernel)',
    schema: integerAtLeast(0),
  },
  LIMIT_TRAIN_OPTION,
  LIMIT_TEST_OPTION,
];

export interface TaskDefaults {
  readonly epochs: number;
  readonly batchSize: number | 'full';
  readonly analysisEvery: number;
}

/** A parsed --batch-size (the schema admits only integers >= 1 and 'full'). */
export function batchSizeOf(
  value: string | number | boolean | undefined,
  fallback: number | 'full',
): number | 'full' {
  if (value === undefined) return fallback;
  return value === 'full' ? 'full' : Number(value);
}

/** What the data looks like, to size the model and pick defaults. */
export interface DataInfo {
  readonly task: 'regression' | 'classification' | string;
  readonly trainSize: number;
  readonly featureShape: readonly number[];
  readonly outputSize: number;
  readonly numClasses?: number;
  /** With --data: what was read and inferred (see `dataLines`). */
  readonly file?: DataFileDescription & { readonly splits: Readonly<Record<string, number>> };
}

export async function describeData(spec: DatasetSpec): Promise<DataInfo> {
  // A file is described by the same call the loader makes, so what is printed is what is trained.
  const loaded =
    spec.file !== undefined ? await loadDataPath(spec.file, dataPathOptions(spec)) : undefined;
  const { train, validation, test } = loaded ?? (await loadDatasetNode(spec));
  const targetSize = train.targetShape.reduce((a, b) => a * b, 1);
  const limitOf = (n: number | undefined, limit: number | undefined) =>
    n === undefined ? 0 : Math.min(n, limit ?? n);
  return {
    task: loaded?.description.task ?? train.metadata.task,
    trainSize: limitOf(train.size, spec.limit?.train),
    featureShape: train.featureShape,
    outputSize: train.numClasses ?? targetSize,
    ...(train.numClasses === undefined ? {} : { numClasses: train.numClasses }),
    ...(loaded
      ? {
          file: {
            ...loaded.description,
            splits: {
              train: limitOf(train.size, spec.limit?.train),
              validation: validation?.size ?? 0,
              test: limitOf(test?.size, spec.limit?.test),
            },
          },
        }
      : {}),
  };
}

/**
 * What --data read, in words: `data: my.csv — classification of 'species' (3 classes, inferred
 * from the target; --task overrides), 266 train / 34 validation / 33 test rows, features: ...`,
 * then the notes of what was inferred and done, indented.
 */
export function dataLines(info: DataInfo): string[] {
  const f = info.file;
  if (f === undefined) return [];
  const what =
    f.task === 'classification' ? `${f.classes?.length ?? info.numClasses} classes` : 'numeric';
  const how = f.taskInferred ? 'inferred from the target; --task overrides' : 'set by --task';
  const s = f.splits;
  const features =
    f.features.length > 8
      ? `${f.features.slice(0, 8).join(', ')}, ... (${f.features.length} in all)`
      : f.features.join(', ');
  return [
    `data: ${basename(f.path)} — ${f.task} of '${f.target}' (${what}, ${how}), ${s.train} train / ${s.validation} validation / ${s.test} test rows, features: ${features}`,
    ...f.notes.map((n) => `  ${n}`),
  ];
}

/** Everything of a RunSpec but the optimizer, from the task options. */
export async function runBaseFromValues(
  values: Values,
  defaults: TaskDefaults,
): Promise<{ base: Omit<RunSpec, 'optimizer'>; data: DataInfo }> {
  const dataset = datasetSpecFromValues(values);
  const data = await describeData(dataset);
  const classification = data.numClasses !== undefined;
  const loss: LossSpec = parseLoss(
    typeof values.loss === 'string' ? values.loss : classification ? 'cross-entropy' : 'half-mean',
  );
  const modelSpec = parseModelSpec(
    typeof values.model === 'string' ? values.model : 'mlp:hidden=1024,parameterization=ntk',
  );
  const model = { ...completeModel(modelSpec, data), seed: Number(values.seed ?? 0) };
  const task: TaskSpec = { dataset, model, loss };
  const analysisEvery =
    values['analysis-every'] === undefined
      ? defaults.analysisEvery
      : Number(values['analysis-every']);
  const schedule = typeof values.schedule === 'string' ? parseSchedule(values.schedule) : null;
  return {
    data,
    base: {
      task,
      epochs: values.epochs === undefined ? defaults.epochs : Number(values.epochs),
      batchSize: batchSizeOf(values['batch-size'], defaults.batchSize),
      seed: Number(values.seed ?? 0),
      ...(values['max-steps'] !== undefined ? { maxSteps: Number(values['max-steps']) } : {}),
      ...(schedule ? { schedule } : {}),
      analysis:
        analysisEvery > 0
          ? {
              every: analysisEvery,
              ...(values['kernel-samples'] !== undefined
                ? { tangentKernelSamples: Number(values['kernel-samples']) }
                : {}),
            }
          : null,
    },
  };
}
