import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { RunOptimizer } from '@deltaclip/train';
import { type CommandDef, parseCommand, UsageError } from '../args.js';
import { runComparison } from '../comparison.js';
import { inputSpacing } from '../conditioning.js';
import {
  applyKernelBudget,
  DEFAULT_KERNEL_BUDGET_SECONDS,
  KERNEL_BUDGET_OPTION,
  parseDuration,
  plannedSteps,
} from '../kernel-choice.js';
import { checkOptimizers, optimizerNameHint } from '../optimizer-checks.js';
import { parseOptimizerSpec } from '../optimizer-names.js';
import { integerAtLeast } from '../option-schemas.js';
import { checkOutDir, OVERWRITE_OPTION, outOption, WORKERS_OPTION } from '../out-dir.js';
import type { Output } from '../output.js';
import { describeLoss, describeModel } from '../report/words.js';
import { PLAN_OPTIONS } from '../sweep/options.js';
import { type DataInfo, dataLines, runBaseFromValues, TASK_OPTIONS } from '../task-options.js';
import { parseTuneKeys, TUNABLE, tuneOptimizers } from '../tune.js';

/**
 * The main job's optimizers: for full-batch 0.5 * mean squared error on the standardized cars
 * data with a 1024-wide NTK MLP, gradient norms start near 0.9 and fall to about 0.005; gamma = 0.1
 * and gamma/delta = 0.5 sit inside that range so every regime shows up. eta = 2 stays below
 * 1/beta (beta is about 0.45 there), and SGD gets the same eta: the difference is the clipping.
 */
export const DEFAULT_OPTIMIZERS =
  'sgd:lr=2;adam:lr=0.01;gclip:lr=2,gamma=0.1;delta-gclip:lr=2,gamma=0.1,delta=0.2';

/**
 * The optimizer set for classification with softmax cross-entropy (mean over the batch), picked
 * by a short experiment: CLASSIFICATION_DEFAULTS_NOTE says how.
 */
export const DEFAULT_CLASSIFICATION_OPTIMIZERS =
  'sgd:lr=2;adam:lr=0.01;gclip:lr=2,gamma=0.1;delta-gclip:lr=2,gamma=0.1,delta=0.5';

export const CLASSIFICATION_DEFAULTS_NOTE = ['Classification defaults (cross-entropy): TODO.'];

/** The default optimizer set for the data's task (square loss on regression, cross-entropy on classes). */
export function defaultOptimizers(data: DataInfo): string {
  return data.numClasses !== undefined ? DEFAULT_CLASSIFICATION_OPTIMIZERS : DEFAULT_OPTIMIZERS;
}

export function parseOptimizerList(text: string): RunOptimizer[] {
  const specs = text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length === 0) throw new UsageError('--optimizers needs at least one optimizer spec');
  return specs.map((s) => {
    try {
      return parseOptimizerSpec(s);
    } catch (error) {
      throw new UsageError(
        `--optimizers: ${(error as Error).message}${optimizerNameHint(s, (error as Error).message)}`,
      );
    }
  });
}

/** The main job's seed count: enough for a mean and a spread, within its time budget. */
export const DEFAULT_SEEDS = 3;

export const SEEDS_OPTION = {
  name: 'seeds',
  type: 'integer',
  valueName: 'n',
  description: `run every optimizer with seeds --seed, --seed+1, ..., --seed+n-1 (initial weights and data order) and report mean ± std and every seed (default ${DEFAULT_SEEDS})`,
  schema: integerAtLeast(1),
} as const;

/** --seed, --seed+1, ..., --seed+n-1. */
export function seedList(values: Readonly<Record<string, unknown>>, fallback: number): number[] {
  const first = Number(values.seed ?? 0);
  const n = values.seeds === undefined ? fallback : Number(values.seeds);
  return Array.from({ length: n }, (_, i) => first + i);
}

export const compareCommand: CommandDef = {
  name: 'compare',
  summary:
    'Race several optimizers on one task in parallel worker processes. Every optimizer gets the same initial weights, data order, schedule and evaluation. Prints a results table and writes a report folder (results.json, CSVs, report.html with loss curves, step sizes by regime, gradient norms and mu_t).',
  options: [
    ...TASK_OPTIONS,
    {
      name: 'optimizers',
      type: 'string',
      valueName: 'specs',
      description: `';'-separated optimizer specs name:key=value,... (names: sgd, momentum, adam, gclip, delta-gclip, delta-gclip-per-tensor, clipped-momentum, clipped-adam; keys: lr, gamma, delta, momentum, beta1, beta2, clipNorm, wd, label). Default for regression: '${DEFAULT_OPTIMIZERS}'; for classification: '${DEFAULT_CLASSIFICATION_OPTIMIZERS}'`,
    },
    SEEDS_OPTION,
    {
      name: 'tune',
      type: 'string',
      valueName: 'keys',
      description: `before the comparison, choose each optimizer's ${TUNABLE.join(', ')} (lr always; e.g. --tune lr or --tune gamma,delta) from a stated grid on a validation split, the same number of trials and steps for every optimizer`,
    },
    KERNEL_BUDGET_OPTION,
    WORKERS_OPTION,
    ...PLAN_OPTIONS,
    outOption('report folder, new or empty (default: runs/compare-<time>)'),
    OVERWRITE_OPTION,
  ],
  notes: [
    'With no options it trains a 1024-wide NTK MLP on the bundled cars data (full-batch square loss, the',
    "theory's setting) with SGD, Adam, GClip and δ-GClip for 400 steps and 3 seeds, with PL* analysis at",
    'steps 0, 200 and 400 (by default at the start, middle and end of any run); gradient descent and δ-GClip get a certificate (verdict fails / vacuous / informative), GClip and',
    'Adam a line on why the argument does not cover them. The results give mean ± std over the seeds and say',
    'who won relative to the seed spread.',
    'The runs are a sweep plan over optimizer x seed (printed first, with an estimated time): on a local pool',
    "of worker processes, or with --queue redis://HOST:PORT as jobs for 'deltaclip worker's, as 'deltaclip sweep';",
    'runs.csv has one row per run.',
    'Your own data: --data my.csv (CSV, TSV, JSON records, or an IDX/CIFAR folder), --target COL (default: the',
    'last column), --drop COL,...; the task is inferred from the target (numeric -> regression) and printed.',
    ...CLASSIFICATION_DEFAULTS_NOTE,
  ],
  examples: [
    'deltaclip compare',
    "deltaclip compare --optimizers 'sgd:lr=0.1;delta-gclip:lr=1,gamma=0.5,delta=0.01' --epochs 200",
    'deltaclip compare --dataset penguins --batch-size 32 --epochs 30 --json > results.json',
    'deltaclip compare --dataset spiral --model mlp:hidden=256x256 --workers 2 --out runs/spiral',
    'deltaclip compare --data my.csv --target species --drop id --batch-size 32 --epochs 30',
    'deltaclip compare --seeds 10 --queue redis://10.0.0.5:6379   # runs on deltaclip workers',
  ],
};

export async function compare(argv: readonly string[], output: Output): Promise<void> {
  const { values } = parseCommand(compareCommand, argv);
  const given =
    typeof values.optimizers === 'string' ? parseOptimizerList(values.optimizers) : undefined;
  if (given) checkOptimizers(given, '--optimizers');
  const seeds = seedList(values, DEFAULT_SEEDS);
  const budgetSeconds =
    typeof values['kernel-budget'] === 'string'
      ? parseDuration(values['kernel-budget'])
      : DEFAULT_KERNEL_BUDGET_SECONDS;
  const task = await runBaseFromValues(values, {
    epochs: 400,
    batchSize: 'full',
    analysisEvery: 1,
  });
  const { data } = task;
  if (values['analysis-every'] === undefined && task.base.analysis) {
    // Three analysis points (start, middle, end): on the main job a kernel on every cars sample
    // then fits the default budget, and mu and beta are still measured along the path.
    const every = Math.max(1, Math.ceil(plannedSteps(task.base, data.trainSize) / 2));
    task.base = { ...task.base, analysis: { ...task.base.analysis, every } };
  }
  for (const line of dataLines(data)) output.info(line);
  const { base, choice } = await applyKernelBudget(task.base, data, {
    budgetSeconds,
    backend: String(values.backend),
    fixedByUser: values['kernel-samples'] !== undefined,
  });
  const notes = choice ? [`mu source: ${choice.reason}`] : [];
  let optimizers = given ?? parseOptimizerList(defaultOptimizers(data));
  const tuneKeys = typeof values.tune === 'string' ? parseTuneKeys(values.tune) : null;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const out = typeof values.out === 'string' ? values.out : join('runs', `compare-${stamp}`);
  checkOutDir(out, { overwrite: values.overwrite === true });
  let tuning: Awaited<ReturnType<typeof tuneOptimizers>> | null = null;
  if (tuneKeys) {
    tuning = await tuneOptimizers({ ...base, seed: seeds[0]! }, optimizers, tuneKeys, {
      workers: values.workers !== undefined ? Number(values.workers) : availableParallelism(),
      backend: String(values.backend),
    });
    optimizers = tuning.optimizers;
  }
  await runComparison(
    {
      title: `deltaclip compare: ${base.task.dataset.name}`,
      subtitle: `${data.task} on ${base.task.dataset.name} (${data.trainSize} training samples), model ${describeModel(base.task.model)}, loss ${describeLoss(base.task.loss)}, batch ${base.batchSize}, ${base.epochs} epochs.`,
      base,
      optimizers,
      backend: String(values.backend),
      planName: `compare-${base.task.dataset.name}`,
      trainSize: data.trainSize,
      values,
      out,
      seeds,
      notes: [
        ...notes,
        ...(tuning?.lines ?? [
          'Hyperparameters as given, not tuned: --tune lr chooses each learning rate on a validation split, the same budget for every optimizer.',
        ]),
      ],
      spacing: await inputSpacing(base.task.dataset),
      settings: {
        ...(data.file ? { data: data.file } : {}),
        kernelBudgetSeconds: budgetSeconds,
        ...(choice ? { kernelChoice: choice.reason } : {}),
        ...(tuning ? { tuning: tuning.report } : {}),
      },
    },
    output,
  );
}
