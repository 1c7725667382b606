import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataPath } from '@deltaclip/datasets/node';
import {
  analyzePlStar,
  fromLayersModel,
  type PlStarRecord,
  WeightSnapshot,
} from '@deltaclip/plstar';
import { loadLayersModelFile } from '@deltaclip/plstar/node';
import {
  analysisInputs,
  buildTask,
  fullBatch,
  type RunOutcome,
  type RunSpec,
} from '@deltaclip/train';
import { loadDatasetNode, readResumeState } from '@deltaclip/train/node';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { type CommandDef, parseCommand, UsageError, type Values } from '../args.js';
import { selectBackend } from '../backends.js';
import { parseOptimizerSpec } from '../optimizer-names.js';
import { integerAtLeast } from '../option-schemas.js';
import type { Output } from '../output.js';
import { insightLines, summarizeRun } from '../summary.js';
import {
  dataLines,
  datasetSpecFromValues,
  runBaseFromValues,
  TASK_OPTIONS,
} from '../task-options.js';

export const analyzeCommand: CommandDef = {
  name: 'analyze',
  summary:
    "PL* analysis of a model at given weights: the trajectory PL* ratio mu = ||grad L||^2 / 2L, the empirical tangent kernel's spectrum and the mu it implies for square loss, the Hessian's top eigenvalue beta, the distance from initialization. With a training run's checkpoint it also checks the convergence certificate (δ-GClip runs with PL* analysis) and says whether the δ floor ever bound. With --model model.json (a tf.LayersModel saved by tfjs) and --data FILE it analyzes your own model at its saved weights, under its compiled loss.",
  options: [
    ...TASK_OPTIONS,
    {
      name: 'checkpoint',
      type: 'string',
      valueName: 'dir',
      description:
        "a run folder of 'deltaclip train' (or a checkpoint folder): analyze its latest weights",
    },
    {
      name: 'hessian-iterations',
      type: 'integer',
      valueName: 'k',
      default: 20,
      description: 'power iterations for beta (0: skip)',
      schema: integerAtLeast(0),
    },
  ],
  examples: [
    'deltaclip analyze --checkpoint runs/train-2026-11-29T10-00-00',
    'deltaclip analyze --dataset cars --model mlp:hidden=4096,parameterization=ntk --kernel-samples 64',
    'deltaclip analyze --checkpoint runs/mine --json',
    'deltaclip analyze --model my-model/model.json --data houses.csv --target price',
  ],
};

/** `--model` names a model saved by tfjs (model.json, or its folder) rather than a model spec. */
function savedModelPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.trimStart().startsWith('{')) return null;
  if (value.endsWith('.json') || value.startsWith('file://')) return value;
  return existsSync(join(value, 'model.json')) && statSync(value).isDirectory() ? value : null;
}

// tfjs-layers' names for the losses --loss can stand for, when model.json carries none.
const SAVED_MODEL_LOSSES: Readonly<Record<string, string>> = {
  mean: 'meanSquaredError',
  'cross-entropy': 'categoricalCrossentropy',
};

export async function analyze(argv: readonly string[], output: Output): Promise<void> {
  const { values } = parseCommand(analyzeCommand, argv);
  const saved = savedModelPath(values.model);
  if (saved !== null) {
    await analyzeSavedModel(saved, values, output);
    return;
  }
  let spec: RunSpec;
  let checkpoint: ReturnType<typeof readResumeState> | undefined;
  if (typeof values.checkpoint === 'string') {
    const fixed = ['model', 'dataset', 'data', 'target', 'drop', 'task', 'loss'].filter(
      (o) => values[o] !== undefined,
    );
    if (fixed.length > 0) {
      throw new UsageError(
        `${fixed.map((o) => `--${o}`).join(', ')} do${fixed.length === 1 ? 'es' : ''} not apply with --checkpoint (the checkpoint fixes the data, model and loss)`,
      );
    }
    const dir = values.checkpoint;
    checkpoint = readResumeState(
      existsSync(join(dir, 'checkpoints')) ? join(dir, 'checkpoints') : dir,
    );
    spec = checkpoint.spec;
  } else {
    const { base, data } = await runBaseFromValues(values, {
      epochs: 1,
      batchSize: 'full',
      analysisEvery: 0,
    });
    for (const line of dataLines(data)) output.info(line);
    spec = { ...base, optimizer: parseOptimizerSpec('sgd:lr=1') };
  }
  const selected = await selectBackend(String(values.backend));
  output.info(`Backend: ${selected.name}.`);
  const task = await buildTask(spec.task, {
    prefix: 'analyze',
    seed: spec.seed,
    loader: loadDatasetNode,
  });
  const initial = WeightSnapshot.capture(task.model.variables);
  if (checkpoint) {
    task.model.setWeights(
      checkpoint.resume.tensors
        .filter((t) => t.group === 'model')
        .map((t) => ({ name: t.name, shape: t.shape, values: t.values })),
    );
  }
  const data = fullBatch(task, spec.task.loss);
  let record: PlStarRecord;
  try {
    record = await analyzePlStar({
      ...analysisInputs(task, data),
      tangentKernelSamples:
        values['kernel-samples'] !== undefined
          ? Number(values['kernel-samples'])
          : Math.min(task.train.size, 64),
      hessianIterations: Number(values['hessian-iterations']),
      initialWeights: initial,
    });
  } finally {
    data.dispose();
    initial.dispose();
    task.model.dispose();
  }
  let insights: string[] = [];
  if (checkpoint) {
    const history = checkpoint.resume.history;
    const counts = { unclipped: 0, clipped: 0, floored: 0, skipped: 0 };
    for (const s of history.steps) if (s.regime) counts[s.regime] += 1;
    const outcome: RunOutcome = {
      spec,
      result: { history, position: checkpoint.resume.position, stopped: false, seconds: 0 },
      regimeCounts: counts,
      parameterCount: 0,
      trainSize: 0,
      stepsPerEpoch: 0,
    };
    insights = insightLines([summarizeRun(outcome, 0, selected.name)]);
  }
  if (output.json) {
    output.result({ spec, position: checkpoint?.resume.position ?? null, record, insights });
    return;
  }
  output.text(
    [
      checkpoint
        ? `Checkpoint ${checkpoint.checkpoint} (step ${checkpoint.resume.position.step})`
        : 'At initialization',
      ...recordLines(record),
      ...(insights.length ? ['', ...insights] : []),
    ].join('\n'),
  );
}

/** The PL* picture of one record: loss and its convention, mu, the kernel bound or why not, beta. */
function recordLines(record: PlStarRecord): string[] {
  const k = record.kernel;
  const h = record.hessian;
  return [
    `loss L (${record.lossConvention}) = ${record.loss.toPrecision(6)}   ||grad L||^2 = ${record.gradNormSquared.toPrecision(6)}`,
    `PL* ratio mu = ||grad L||^2 / 2L = ${record.mu === null ? 'undefined (L = 0)' : record.mu.toPrecision(6)}`,
    ...(k
      ? [
          `tangent kernel on ${k.samples} samples (${k.size}x${k.size}): lambda_min ${k.lambdaMin.toPrecision(5)}, lambda_max ${k.lambdaMax.toPrecision(5)}, condition ${k.conditionNumber === null ? 'inf' : k.conditionNumber.toPrecision(4)}`,
          `  implied PL* constant for the square loss: ${k.impliedMu.toPrecision(5)}${k.coversAllSamples ? ' (all samples: a lower bound of mu here)' : ' (a subset of the samples)'}`,
        ]
      : [record.kernelSkipped ?? 'tangent kernel: skipped']),
    ...(h
      ? [
          `smoothness beta = |top Hessian eigenvalue| = ${h.beta.toPrecision(5)} (${h.iterations} power iterations, ${h.converged ? 'converged' : 'not converged'}); 1/beta = ${(1 / h.beta).toPrecision(4)}`,
        ]
      : []),
    `distance from initialization ||w - w_0|| = ${record.distanceFromInit?.toPrecision(5) ?? '-'}`,
  ];
}

/**
 * `analyze --model model.json --data FILE`: a tf.LayersModel saved by tfjs, at its saved weights,
 * on every row of the user's file, under the loss it was compiled with.
 */
async function analyzeSavedModel(path: string, values: Values, output: Output): Promise<void> {
  const clashing = [
    'checkpoint',
    'dataset',
    'epochs',
    'batch-size',
    'schedule',
    'max-steps',
  ].filter((o) => values[o] !== undefined);
  if (clashing.length > 0) {
    throw new UsageError(
      `${clashing.map((o) => `--${o}`).join(', ')} do${clashing.length === 1 ? 'es' : ''} not apply to a saved model (--model ${path}): it is analyzed at its saved weights on --data`,
    );
  }
  if (typeof values.data !== 'string') {
    throw new UsageError(
      `--model ${path} needs --data FILE: the samples to analyze the saved model on (a CSV, TSV or JSON file, or an image folder)`,
    );
  }
  const selected = await selectBackend(String(values.backend));
  output.info(`Backend: ${selected.name}.`);
  const spec = datasetSpecFromValues(values);
  // Every row: the model was trained elsewhere, so no split of this file is "its" training set.
  const loaded = await loadDataPath(values.data, {
    ...(spec.target !== undefined ? { target: spec.target } : {}),
    ...(spec.drop !== undefined ? { drop: spec.drop } : {}),
    ...(spec.task !== undefined ? { task: spec.task } : {}),
    validation: 0,
    test: 0,
  });
  const d = loaded.description;
  output.info(
    `Data: ${d.path}: ${loaded.train.size} samples, ${d.task}${d.taskInferred ? ' (inferred)' : ''}, target '${d.target}', in the file's own units (not standardized).`,
  );
  const model = await loadLayersModelFile(path, { loadLayersModel });
  const given = typeof values.loss === 'string' ? values.loss : undefined;
  if (model.loss === undefined || given !== undefined) {
    const classification = d.task === 'classification';
    const name = given ?? (classification ? 'cross-entropy' : 'mean');
    const tfjsLoss = SAVED_MODEL_LOSSES[name];
    if (tfjsLoss === undefined) {
      throw new UsageError(
        `--loss ${name} has no tfjs-layers loss to analyze a saved model under: use --loss mean (meanSquaredError) or --loss cross-entropy (categoricalCrossentropy)`,
      );
    }
    if (given === undefined) {
      output.info(
        `Loss: ${path} carries no training config (save it after compile with includeOptimizer: true), so the loss is ${tfjsLoss} (--loss ${name}).`,
      );
    }
    model.compile({ optimizer: 'sgd', loss: tfjsLoss });
  }
  const lossName = typeof model.loss === 'string' ? model.loss : 'the compiled loss';
  // The file's own units: a model trained elsewhere saw the raw columns, not deltaclip's standardization.
  const { x, y } = loaded.train.withNormalization({ features: null, targets: null }).toTensors({
    labels: lossName.startsWith('sparse') ? 'index' : 'oneHot',
  });
  let record: PlStarRecord;
  try {
    record = await analyzePlStar({
      ...fromLayersModel(model, { x, y }),
      tangentKernelSamples:
        values['kernel-samples'] !== undefined
          ? Number(values['kernel-samples'])
          : Math.min(loaded.train.size, 64),
      hessianIterations: Number(values['hessian-iterations']),
    });
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
  if (output.json) {
    output.result({ model: path, data: d.path, samples: loaded.train.size, record });
    return;
  }
  // A saved model has no w_0 here, so no distance line.
  output.text(
    [
      `Saved model ${path} at its weights, on ${loaded.train.size} samples of ${d.path}`,
      ...recordLines(record).filter((line) => !line.startsWith('distance from initialization')),
    ].join('\n'),
  );
}
