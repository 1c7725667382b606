import {
  CATALOG,
  type Dataset,
  type LabelEncoding,
  loadBundled,
  syntheticDataset,
} from '@deltaclip/datasets';
import { createModel, type Model, type ModelConfig } from '@deltaclip/models';
import { formatShape, requireInRange, requireInteger } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { LossTaskMismatchError } from './loss-task-mismatch.js';
import type { Objective } from './objective.js';
import { createObjective, type LossSpec } from './objectives.js';

/**
 * A dataset by its catalog name (see `CATALOG` of @deltaclip/datasets), or a user's own file or
 * folder (`file`, Node only), as JSON: workers and resumed runs load it from the spec alone.
 */
export interface DatasetSpec {
  /**
   * `cars`, `penguins`, `spiral`, `surface-sine`, `teacher-student`, `fashion-mnist`, `cifar-10`, ...
   * With `file`, only a label for messages and reports (e.g. the file's base name).
   */
  readonly name: string;
  /**
   * Folder of the files, for file datasets (MNIST, Fashion-MNIST, CIFAR; Node only). Without it
   * the Node loader uses the datasets' search path ($DELTACLIP_DATA_DIR, /usr/share/datasets/<name>).
   */
  readonly dir?: string;
  /**
   * A CSV, TSV or JSON (array of records) file, or a folder of IDX or CIFAR files, read by
   * `loadDataPath` of @deltaclip/datasets/node (Node only). `name` is then just a label.
   */
  readonly file?: string;
  /** With `file`: the target column (default: the last column that is not dropped). */
  readonly target?: string;
  /** With `file`: columns to ignore. */
  readonly drop?: readonly string[];
  /** With `file`: the task (default: inferred from the target, numeric -> regression). */
  readonly task?: 'regression' | 'classification';
  /** Options of the generator (synthetic) or of the bundled loader (seed, missing, ...). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Fractions held out when the dataset has no split of its own (default validation 0, test 0.2). */
  readonly split?: { readonly validation?: number; readonly test?: number };
  /** Use only the first N samples of each split (after the seeded split): scaled-down runs. */
  readonly limit?: { readonly train?: number; readonly test?: number };
}

/** What a run trains: data, model and loss, as JSON. */
export interface TaskSpec {
  readonly dataset: DatasetSpec;
  /** The model config (without `prefix`; runs choose their own). */
  readonly model: ModelConfig;
  readonly loss: LossSpec;
}

/** A task made real. */
export interface Task {
  readonly model: Model;
  readonly objective: Objective;
  readonly train: Dataset;
  readonly validation?: Dataset;
  readonly test?: Dataset;
  readonly labels: LabelEncoding;
}

/** The train/validation/test splits of a dataset spec; file datasets need the Node entry. */
export type DatasetLoader = (
  spec: DatasetSpec,
) => Promise<{ train: Dataset; validation?: Dataset; test?: Dataset }>;

function limited(ds: Dataset | undefined, n: number | undefined): Dataset | undefined {
  if (ds === undefined || n === undefined) return ds;
  requireInteger('limit', n, 1);
  return n >= ds.size ? ds : ds.subset(Array.from({ length: n }, (_, i) => i));
}

/** Loads bundled and synthetic datasets (browsers and Node). */
export const loadDataset: DatasetLoader = async (spec) => {
  if (spec.file !== undefined) {
    throw new RangeError(
      `Dataset file '${spec.file}' needs the Node loader: use loadDatasetNode from @deltaclip/train/node`,
    );
  }
  const entry = CATALOG.find((e) => e.name === spec.name);
  if (entry === undefined) {
    throw new RangeError(
      `Unknown dataset '${spec.name}'. Known datasets: ${CATALOG.map((e) => e.name).join(', ')}`,
    );
  }
  const validation = requireInRange('split.validation', spec.split?.validation ?? 0, 0, 0.9);
  const test = requireInRange('split.test', spec.split?.test ?? 0.2, 0, 0.9);
  let splits: { train: Dataset; validation?: Dataset; test?: Dataset };
  if (entry.kind === 'bundled') {
    const s = await loadBundled(spec.name as 'cars' | 'penguins', {
      ...(spec.options ?? {}),
      validation,
      test,
    });
    splits = {
      train: s.train,
      ...(validation > 0 ? { validation: s.validation } : {}),
      test: s.test,
    };
  } else if (entry.kind === 'synthetic') {
    const all = syntheticDataset(spec.name, spec.options ?? {});
    const s = all.split({
      validation,
      test,
      seed: (spec.options?.seed as number | undefined) ?? 0,
    });
    splits = {
      train: s.train,
      ...(validation > 0 ? { validation: s.validation } : {}),
      ...(test > 0 ? { test: s.test } : {}),
    };
  } else {
    throw new RangeError(
      `Dataset '${spec.name}' is read from files: use loadTask from @deltaclip/train/node with dataset.dir set to the folder holding them`,
    );
  }
  return {
    train: limited(splits.train, spec.limit?.train)!,
    ...(splits.validation ? { validation: splits.validation } : {}),
    ...(splits.test ? { test: limited(splits.test, spec.limit?.test)! } : {}),
  };
};

/**
 * An MLP or VAE takes flat vectors: present [N, h, w, c] images to it as [N, h*w*c].
 * Every other member is the model's own.
 */
function flattenInputs(model: Model, featureSize: number): Model {
  return new Proxy(model, {
    get(target, property, receiver) {
      if (property === 'apply') {
        return (x: tf.Tensor, options?: { training?: boolean }) =>
          tf.tidy(() => target.apply(tf.reshape(x, [x.shape[0]!, featureSize]), options));
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A ViT built for another image size than the data's (the paper's 64x64 CIFAR): resize first. */
function resizeInputs(model: Model, size: number): Model {
  return new Proxy(model, {
    get(target, property, receiver) {
      if (property === 'apply') {
        return (x: tf.Tensor, options?: { training?: boolean }) =>
          tf.tidy(() =>
            target.apply(tf.image.resizeBilinear(x as tf.Tensor4D, [size, size]), options),
          );
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Build the model, objective and splits of a task. `prefix` names the model's variables (runs in
 * one process need distinct prefixes); `seed` seeds the objective's noise (VAE).
 */
export async function buildTask(
  spec: TaskSpec,
  options: { prefix?: string; seed?: number; loader?: DatasetLoader } = {},
): Promise<Task> {
  const splits = await (options.loader ?? loadDataset)(spec.dataset);
  const config = {
    ...spec.model,
    ...(options.prefix ? { prefix: options.prefix } : {}),
  } as ModelConfig;
  let model = createModel(config);
  const featureShape = splits.train.featureShape;
  const featureSize = featureShape.reduce((a, b) => a * b, 1);
  if ((config.kind === 'mlp' || config.kind === 'vae') && featureShape.length > 1) {
    model = flattenInputs(model, featureSize);
  }
  const imageSize = (model.config as { imageSize?: number }).imageSize;
  if (model.config.kind === 'vit' && imageSize !== undefined && featureShape[0] !== imageSize) {
    model = resizeInputs(model, imageSize);
  }
  // A square loss compares outputs with targets entry by entry: class labels must be one-hot.
  const labels: LabelEncoding =
    spec.loss.kind === 'square' && splits.train.numClasses !== undefined ? 'oneHot' : 'index';
  try {
    checkLossFitsTask(spec, model, splits.train, labels);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return {
    model,
    objective: createObjective(spec.loss, { seed: options.seed ?? 0 }),
    labels,
    ...splits,
  };
}

/**
 * Reject a loss that cannot mean anything on this data or model before any step is taken
 * (cross-entropy on a regression target once gave loss 0 with every step skipped).
 */
function checkLossFitsTask(
  spec: TaskSpec,
  model: Model,
  train: Dataset,
  labels: LabelEncoding,
): void {
  const data = `dataset '${spec.dataset.name}'`;
  const kind = spec.loss?.kind;
  if (kind === 'vae') {
    if (typeof (model as { lossTerms?: unknown }).lossTerms !== 'function') {
      throw new LossTaskMismatchError(
        `loss 'vae' needs a VAE model (got model kind '${model.config.kind}'): use --model vae or another loss`,
      );
    }
    return;
  }
  if (kind === 'cross-entropy' && train.numClasses === undefined) {
    throw new LossTaskMismatchError(
      `loss 'cross-entropy' needs class labels, but ${data} has a regression target: use a square loss`,
    );
  }
  if (kind !== 'square' && kind !== 'cross-entropy') return;
  const probe = train.gather([0], labels);
  const out = tf.tidy(() => model.apply(probe.x));
  const outShape = out.shape.slice(1);
  const want = kind === 'square' ? probe.y.shape.slice(1) : [train.numClasses!];
  out.dispose();
  tf.dispose(probe);
  if (outShape.length !== want.length || outShape.some((d, i) => d !== want[i])) {
    throw new LossTaskMismatchError(
      kind === 'square'
        ? `loss 'square' compares the model's output ${formatShape(outShape)} per sample with the target ${formatShape(want)} of ${data}${train.numClasses !== undefined ? ` (${train.numClasses} classes, one-hot)` : ''}: give the model ${want.reduce((a, b) => a * b, 1)} outputs`
        : `loss 'cross-entropy' needs ${train.numClasses} logits per sample for ${data}, but the model outputs ${formatShape(outShape)}: give the model ${train.numClasses} outputs`,
    );
  }
}
