import { CATALOG } from '@deltaclip/datasets';
import type { DatasetSpec, LossSpec, RunSpec, TaskSpec } from '@deltaclip/train';
import { loadDatasetNode } from '@deltaclip/train/node';
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

/** Options that define what is trained: data, model, loss, length, schedule, analysis. */
export const TASK_OPTIONS: readonly OptionDef[] = [
  {
    name: 'dataset',
    type: 'string',
    valueName: 'name',
    default: 'cars',
    description: "dataset name (see 'deltaclip datasets')",
    schema: oneOf(DATASET_NAMES),
    choices: DATASET_NAMES,
  },
  {
    name: 'data-dir',
    type: 'string',
    valueName: 'dir',
    description: 'folder with the files of mnist, fashion-mnist, cifar-10, cifar-100',
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
}

export async function describeData(spec: DatasetSpec): Promise<DataInfo> {
  const { train } = await loadDatasetNode(spec);
  const targetSize = train.targetShape.reduce((a, b) => a * b, 1);
  return {
    task: train.metadata.task,
    trainSize: train.size,
    featureShape: train.featureShape,
    outputSize: train.numClasses ?? targetSize,
    ...(train.numClasses === undefined ? {} : { numClasses: train.numClasses }),
  };
}

/** Everything of a RunSpec but the optimizer, from the task options. */
export async function runBaseFromValues(
  values: Values,
  defaults: TaskDefaults,
): Promise<{ base: Omit<RunSpec, 'optimizer'>; data: DataInfo }> {
  const dataset: DatasetSpec = {
    name: String(values.dataset),
    ...(values['data-dir'] !== undefined ? { dir: String(values['data-dir']) } : {}),
    ...(values['limit-train'] !== undefined || values['limit-test'] !== undefined
      ? {
          limit: {
            ...(values['limit-train'] !== undefined
              ? { train: Number(values['limit-train']) }
              : {}),
            ...(values['limit-test'] !== undefined ? { test: Number(values['limit-test']) } : {}),
          },
        }
      : {}),
  };
  // Checked here, not left to the loader, so it is a user error with the flag to use.
  if (CATALOG.find((e) => e.name === dataset.name)?.kind === 'files' && dataset.dir === undefined) {
    throw new UsageError(
      `Dataset '${dataset.name}' is read from files: pass the folder that holds them (--data-dir <dir>)`,
    );
  }
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
