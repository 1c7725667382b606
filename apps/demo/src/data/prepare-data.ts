/**
 * The data of a race, from the settings: a synthetic 2-D set, a bundled table or an uploaded CSV,
 * split into train and test with the run's seed. Everything here is deterministic.
 */
import {
  type Classification2dKind,
  classification2d,
  type Dataset,
  loadBundled,
  SURFACES,
  type Surface2dKind,
  surface2d,
  teacherStudent,
} from '@deltaclip/datasets';
import {
  CLASSIFICATION_SETS,
  type DatasetName,
  type Settings,
  SURFACE_SETS,
  TEACHER_HIDDEN,
  TEACHER_INPUT_DIM,
} from '../state/settings.js';
import type { PreparedCsv } from './csv-upload.js';

export type Task = 'classification' | 'regression';

/** A rectangle of the input plane (for 2-D sets: the heatmap's extent). */
export interface PlaneExtent {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

export interface PreparedData {
  readonly name: string;
  readonly description: string;
  readonly task: Task;
  readonly train: Dataset;
  /** null when the test fraction leaves no test samples. */
  readonly test: Dataset | null;
  readonly inputSize: number;
  /** Classes (classification) or target values (regression) per sample. */
  readonly outputSize: number;
  readonly classes: readonly string[];
  readonly featureNames: readonly string[];
  /** Present when the model takes two inputs: where to draw the decision boundary or surface. */
  readonly plane: PlaneExtent | null;
  /** Regression on a known surface: its formula (for the legend). */
  readonly formula: string | null;
}

function isOneOf<T extends string>(value: string, list: readonly T[]): value is T {
  return (list as readonly string[]).includes(value);
}

/** The input rectangle covering the training points, with a margin. */
export function planeExtent(train: Dataset): PlaneExtent | null {
  if (train.featureShape.length !== 1 || train.featureShape[0] !== 2) return null;
  const { x } = train.toArrays();
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i += 2) {
    x0 = Math.min(x0, x[i]!);
    x1 = Math.max(x1, x[i]!);
    y0 = Math.min(y0, x[i + 1]!);
    y1 = Math.max(y1, x[i + 1]!);
  }
  if (!Number.isFinite(x0) || !Number.isFinite(y0)) return null;
  const pad = (lo: number, hi: number): [number, number] => {
    const m = Math.max(0.1 * (hi - lo), 1e-3);
    return [lo - m, hi + m];
  };
  return { x: pad(x0, x1), y: pad(y0, y1) };
}

function finish(
  split: { train: Dataset; test: Dataset },
  info: Omit<PreparedData, 'train' | 'test' | 'inputSize' | 'outputSize' | 'plane'>,
): PreparedData {
  const { train, test } = split;
  const inputSize = train.featureShape.reduce((a, b) => a * b, 1);
  const outputSize =
    info.task === 'classification'
      ? train.numClasses!
      : Math.max(
          1,
          train.targetShape.reduce((a, b) => a * b, 1),
        );
  return {
    ...info,
    train,
    test: test.size > 0 ? test : null,
    inputSize,
    outputSize,
    plane: planeExtent(train),
  };
}

/**
 * Build the race's data. `csv` (an upload prepared by csv-upload.ts, for these settings' target
 * and split) is needed, and only used, when `settings.dataset` is `csv`.
 */
export async function prepareData(settings: Settings, csv?: PreparedCsv): Promise<PreparedData> {
  const name: DatasetName = settings.dataset;
  const seed = settings.seed;
  const test = settings.testFraction;
  if (isOneOf<Classification2dKind>(name, CLASSIFICATION_SETS)) {
    const all = classification2d({
      kind: name,
      numSamples: settings.samples,
      noise: settings.noise,
      seed,
    });
    return finish(all.split({ test, seed }), {
      name,
      description: all.metadata.description,
      task: 'classification',
      classes: all.metadata.classes,
      featureNames: all.metadata.featureNames,
      formula: null,
    });
  }
  if (isOneOf<Surface2dKind>(name, SURFACE_SETS)) {
    const all = surface2d({
      kind: name,
      numSamples: settings.samples,
      noise: settings.noise,
      seed,
    });
    return finish(all.split({ test, seed }), {
      name,
      description: all.metadata.description,
      task: 'regression',
      classes: [],
      featureNames: all.metadata.featureNames,
      formula: SURFACES[name].formula,
    });
  }
  if (name === 'teacher') {
    const all = teacherStudent({
      numSamples: settings.samples,
      inputDim: TEACHER_INPUT_DIM,
      hiddenWidths: TEACHER_HIDDEN,
      noise: settings.noise,
      seed,
    }).dataset;
    return finish(all.split({ test, seed }), {
      name,
      description: all.metadata.description,
      task: 'regression',
      classes: [],
      featureNames: all.metadata.featureNames,
      formula: null,
    });
  }
  if (name === 'cars' || name === 'penguins') {
    const splits = await loadBundled(name, { seed, validation: 0, test });
    return finish(splits, {
      name,
      description: splits.metadata.description,
      task: name === 'cars' ? 'regression' : 'classification',
      classes: splits.metadata.classes,
      featureNames: splits.metadata.featureNames,
      formula: null,
    });
  }
  if (csv === undefined) {
    throw new RangeError('the csv data set needs an uploaded file: choose one with "Upload CSV"');
  }
  const prepared = csv;
  return finish(prepared.splits, {
    name: prepared.splits.metadata.name,
    description: prepared.description,
    task: prepared.task,
    classes: prepared.splits.metadata.classes,
    featureNames: prepared.splits.metadata.featureNames,
    formula: null,
  });
}
