import { join } from 'node:path';
import { applyCalibration, calibrateTheory, EXPERIMENTS, type Experiment } from '@deltaclip/train';
import { loadDatasetNode } from '@deltaclip/train/node';
import { type CommandDef, parseCommand, UsageError } from '../args.js';
import { selectBackend } from '../backends.js';
import { runComparison } from '../comparison.js';
import { checkOptimizers } from '../optimizer-checks.js';
import { checkOutDir, OVERWRITE_OPTION, outOption, WORKERS_OPTION } from '../out-dir.js';
import type { Output } from '../output.js';
import { parseSchedule } from '../specs.js';
import { didYouMean } from '../suggest.js';
import { textTable } from '../summary.js';
import {
  BATCH_SIZE_OPTION,
  batchSizeOf,
  describeData,
  EPOCHS_OPTION,
  LIMIT_TEST_OPTION,
  LIMIT_TRAIN_OPTION,
  SCHEDULE_OPTION,
} from '../task-options.js';
import { parseOptimizerList } from './compare.js';

export const reproduceCommand: CommandDef = {
  name: 'reproduce',
  summary:
    "Run one of the paper's experiments with its hyperparameters (--full) or a scaled-down default that finishes on a laptop: theory (full-batch square loss on a wide network, with the convergence certificate), resnet-cifar10, vae-fashion-mnist, vit-cifar10. Real datasets come from --data-dir, else from $DELTACLIP_DATA_DIR or /usr/share/datasets/<name> (Debian's dataset-fashion-mnist installs there); nothing is downloaded.",
  positionals: [
    {
      name: 'experiment',
      description: 'theory | resnet-cifar10 | vae-fashion-mnist | vit-cifar10 (omit to list)',
    },
  ],
  options: [
    {
      name: 'data-dir',
      type: 'string',
      valueName: 'dir',
      description:
        'folder with the dataset files (CIFAR-10 binary batches, Fashion-MNIST IDX files); default: $DELTACLIP_DATA_DIR, then /usr/share/datasets/<name>',
    },
    {
      name: 'full',
      type: 'boolean',
      description: "the paper's settings (hours to days on a CPU) instead of the laptop default",
    },
    { ...EPOCHS_OPTION, description: 'override the number of epochs' },
    { ...BATCH_SIZE_OPTION, description: "override the batch size (a number or 'full')" },
    LIMIT_TRAIN_OPTION,
    LIMIT_TEST_OPTION,
    {
      ...SCHEDULE_OPTION,
      description: 'override the learning-rate schedule (constant to drop it)',
    },
    {
      name: 'optimizers',
      type: 'string',
      valueName: 'specs',
      description: "override the optimizers (';'-separated specs)",
    },
    WORKERS_OPTION,
    outOption('report folder, new or empty (default: runs/<experiment>-<time>)'),
    OVERWRITE_OPTION,
  ],
  examples: [
    'deltaclip reproduce',
    'deltaclip reproduce theory',
    "deltaclip reproduce vae-fashion-mnist   # finds Debian's /usr/share/datasets/fashion-mnist",
    'deltaclip reproduce vae-fashion-mnist --data-dir ~/data/fashion-mnist',
    'deltaclip reproduce resnet-cifar10 --data-dir ~/data/cifar-10-batches-bin --epochs 2 --limit-train 1024',
    'deltaclip reproduce resnet-cifar10 --data-dir ~/data/cifar --full --workers 1',
  ],
};

function listExperiments(output: Output): void {
  const experiments = Object.values(EXPERIMENTS);
  if (output.json) {
    output.result(experiments);
    return;
  }
  output.text(
    textTable(
      ['experiment', 'data', 'what'],
      experiments.map((e) => [
        e.name,
        e.needsData ? 'files (--data-dir or the search path)' : 'built in',
        e.title,
      ]),
    ),
  );
  output.text(
    "\nRun one with 'deltaclip reproduce <experiment>'; add --full for the paper's settings.",
  );
}

export async function reproduce(argv: readonly string[], output: Output): Promise<void> {
  const { values, positionals } = parseCommand(reproduceCommand, argv);
  const name = positionals[0];
  if (name === undefined) return listExperiments(output);
  const experiment: Experiment | undefined = EXPERIMENTS[name];
  if (experiment === undefined) {
    throw new UsageError(
      `Unknown experiment '${name}'.${didYouMean(name, Object.keys(EXPERIMENTS))} Experiments: ${Object.keys(EXPERIMENTS).join(', ')}`,
    );
  }
  // Without --data-dir the files are looked for on the datasets' search path; where they are not
  // found, loading says so (DatasetNotFoundError: which files, every folder searched, where to get them).
  const plan = values.full ? experiment.paper : experiment.laptop;
  const dataset = {
    ...plan.base.task.dataset,
    ...(typeof values['data-dir'] === 'string' ? { dir: values['data-dir'] } : {}),
    ...(values['limit-train'] !== undefined || values['limit-test'] !== undefined
      ? {
          limit: {
            ...plan.base.task.dataset.limit,
            ...(values['limit-train'] !== undefined
              ? { train: Number(values['limit-train']) }
              : {}),
            ...(values['limit-test'] !== undefined ? { test: Number(values['limit-test']) } : {}),
          },
        }
      : {}),
  };
  const batch = values['batch-size'];
  const seed = Number(values.seed);
  const schedule =
    typeof values.schedule === 'string' ? parseSchedule(values.schedule) : plan.base.schedule;
  const base = {
    ...plan.base,
    task: { ...plan.base.task, dataset, model: { ...plan.base.task.model, seed } },
    seed,
    ...(values.epochs !== undefined ? { epochs: Number(values.epochs) } : {}),
    ...(batch !== undefined ? { batchSize: batchSizeOf(batch, 'full') } : {}),
    schedule: schedule ?? null,
  };
  // Fail before starting workers if the data is missing or unreadable.
  await describeData(dataset);
  let optimizers =
    typeof values.optimizers === 'string'
      ? parseOptimizerList(values.optimizers)
      : [...plan.optimizers];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const out = typeof values.out === 'string' ? values.out : join('runs', `${name}-${stamp}`);
  checkOutDir(out, { overwrite: values.overwrite === true });
  const settings: Record<string, unknown> = {
    experiment: name,
    variant: values.full ? 'paper' : 'laptop',
    deviations: experiment.deviations,
  };
  if (experiment.calibrated && typeof values.optimizers !== 'string') {
    await selectBackend(String(values.backend));
    const c = await calibrateTheory(base.task, { seed, loader: loadDatasetNode });
    optimizers = applyCalibration(optimizers, c);
    settings.calibration = c;
    output.info(
      `Calibrated at initialization: beta_0 = ${c.beta0.toPrecision(4)}, ||g_0|| = ${c.gradNorm0.toPrecision(4)} -> eta = 0.5/beta_0 = ${c.learningRate.toPrecision(4)}, gamma = 0.2 ||g_0|| = ${c.gamma.toPrecision(4)}.`,
    );
  }
  checkOptimizers(optimizers, '--optimizers');
  output.info(
    `${experiment.title} (${values.full ? "paper's settings" : 'laptop default; --full for the paper'}).`,
  );
  for (const d of experiment.deviations) output.info(`Note: ${d}`);
  await runComparison(
    {
      title: `deltaclip reproduce ${name}`,
      subtitle: experiment.description,
      base,
      optimizers,
      backend: String(values.backend),
      ...(values.workers !== undefined ? { workers: Number(values.workers) } : {}),
      out,
      settings,
    },
    output,
  );
}
