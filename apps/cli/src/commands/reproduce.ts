import { join } from 'node:path';
import {
  applyCalibration,
  calibrateTheory,
  EXPERIMENTS,
  type Experiment,
  type ExperimentVariant,
  experimentVariants,
  NOT_REPRODUCED,
  type RunOptimizer,
} from '@deltaclip/train';
import { loadDatasetNode } from '@deltaclip/train/node';
import { type CommandDef, parseCommand, UsageError } from '../args.js';
import { selectBackend } from '../backends.js';
import { type ComparisonResult, runComparison } from '../comparison.js';
import { checkOptimizers } from '../optimizer-checks.js';
import { oneOf } from '../option-schemas.js';
import { checkOutDir, OVERWRITE_OPTION, outOption, WORKERS_OPTION } from '../out-dir.js';
import type { Output } from '../output.js';
import { parseSchedule } from '../specs.js';
import { didYouMean } from '../suggest.js';
import { textTable } from '../summary.js';
import { PLAN_OPTIONS } from '../sweep/options.js';
import {
  BATCH_SIZE_OPTION,
  batchSizeOf,
  describeData,
  EPOCHS_OPTION,
  LIMIT_TEST_OPTION,
  LIMIT_TRAIN_OPTION,
  SCHEDULE_OPTION,
} from '../task-options.js';
import { parseOptimizerList, SEEDS_OPTION, seedList } from './compare.js';

const VARIANT_WORDS: Readonly<Record<ExperimentVariant, string>> = {
  laptop: 'laptop default',
  paper: "the paper's settings (hours to days on a CPU)",
  large: 'larger laptop variant (the paper has no such experiment)',
};

/** `--delta 1e-2,1e-4` or `--delta paper`: the δ values to run δ-GClip with. */
export function parseDeltaList(text: string, experiment: Experiment): number[] {
  if (text.trim() === 'paper') {
    if (!experiment.paperDeltas) {
      throw new UsageError(
        `--delta paper: the paper ran no δ sweep for ${experiment.name}; give the values, e.g. --delta 1e-2,1e-4`,
      );
    }
    return [...experiment.paperDeltas];
  }
  const parts = text.split(',').map((x) => x.trim());
  return parts.map((p) => {
    const d = p === '' ? Number.NaN : Number(p);
    if (!(Number.isFinite(d) && d > 0)) {
      throw new UsageError(
        `--delta takes ','-separated values > 0, e.g. 1e-2,1e-3,1e-4, or 'paper' (got ${JSON.stringify(p)} in ${JSON.stringify(text)})`,
      );
    }
    return d;
  });
}

/** The plan's δ-GClip runs replaced by one per delta, with the first one's eta and gamma. */
export function withDeltas(
  optimizers: readonly RunOptimizer[],
  deltas: readonly number[],
): RunOptimizer[] {
  const template = optimizers.find((o) => o.className === 'deltaclip.DeltaGClip');
  if (template === undefined) {
    throw new UsageError('--delta: this experiment has no δ-GClip run to sweep');
  }
  const others = optimizers.filter((o) => o.className !== 'deltaclip.DeltaGClip');
  const sweep = deltas.map((delta) => {
    const { label: _label, ...rest } = template;
    return { ...rest, config: { ...template.config, delta }, label: `δ-GClip (delta ${delta})` };
  });
  return [...others, ...sweep];
}

/** Floored steps of a run and where they were: `7 of 300 steps (2.3%), every step of 0-6`. */
function flooredText(steps: readonly { step: number; regime?: string }[]): string {
  const floored = steps.filter((s) => s.regime === 'floored').map((s) => s.step);
  if (floored.length === 0) return `the floor never bound in ${steps.length} steps`;
  const first = floored[0]!;
  const last = floored.at(-1)!;
  const within = steps.filter((s) => s.step >= first && s.step <= last).length;
  const share = `${((100 * floored.length) / steps.length).toPrecision(2)}%`;
  return `the floor eta*delta bound on ${floored.length} of ${steps.length} steps (${share}), ${within === floored.length ? 'every step' : `${floored.length} of the ${within} steps`} of steps ${first}-${last}`;
}

/** Ratios in the form their size needs: 0.51, 1.02e-5. */
function ratio(x: number | null): string {
  if (x === null) return '-';
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
}

export const reproduceCommand: CommandDef = {
  name: 'reproduce',
  summary:
    "Run one of the paper's experiments with its hyperparameters (--variant paper) or a scaled-down default that finishes on a laptop: theory (the convergence theorem's own setting, where the certificate is informative; --variant large for a bigger run), resnet-cifar10, vae-fashion-mnist, vit-cifar10, vit-small-cifar10. Every deviation from the paper is printed. DistilBERT fine-tuning is not reproduced (the listing says why). Real datasets come from --data-dir, else from $DELTACLIP_DATA_DIR or /usr/share/datasets/<name> (Debian's dataset-fashion-mnist installs there); nothing is downloaded.",
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
      name: 'variant',
      type: 'string',
      valueName: 'name',
      description:
        "laptop (default); paper: the paper's settings (hours to days on a CPU); large: a larger laptop variant, for theory (the paper has no such experiment)",
      schema: oneOf(['laptop', 'paper', 'large']),
      choices: ['laptop', 'paper', 'large'],
    },
    {
      name: 'full',
      type: 'boolean',
      description: 'renamed: --variant paper (or --variant large for theory)',
    },
    {
      name: 'delta',
      type: 'string',
      valueName: 'list',
      description:
        "run δ-GClip once per delta, e.g. 1e-2,1e-3,1e-4,1e-5,1e-6, or 'paper' for the paper's sweep (ViT: 1e-2 ... 1e-6); eta and gamma stay the plan's",
    },
    {
      ...SEEDS_OPTION,
      description:
        'run every optimizer with n seeds and report mean ± std and every seed (default 1; the paper averages 10)',
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
    ...PLAN_OPTIONS,
    outOption('report folder, new or empty (default: runs/<experiment>-<time>)'),
    OVERWRITE_OPTION,
  ],
  examples: [
    'deltaclip reproduce',
    'deltaclip reproduce theory',
    "deltaclip reproduce vae-fashion-mnist   # finds Debian's /usr/share/datasets/fashion-mnist",
    'deltaclip reproduce vae-fashion-mnist --data-dir ~/data/fashion-mnist',
    'deltaclip reproduce resnet-cifar10 --data-dir ~/data/cifar-10-batches-bin --epochs 2 --limit-train 1024',
    'deltaclip reproduce resnet-cifar10 --data-dir ~/data/cifar --variant paper --workers 1',
    'deltaclip reproduce vit-small-cifar10 --data-dir ~/data/cifar --delta paper --seeds 3',
    'deltaclip reproduce theory --variant large',
    'deltaclip reproduce theory --seeds 10 --queue redis://10.0.0.5:6379',
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
      ['experiment', 'data', 'variants', 'what'],
      experiments.map((e) => [
        e.name,
        e.needsData ? 'files (--data-dir or the search path)' : 'built in',
        experimentVariants(e)
          .map(([v]) => v)
          .join(', '),
        e.title,
      ]),
    ),
  );
  for (const x of NOT_REPRODUCED) output.text(`\nNot reproduced: ${x.name}: ${x.reason}`);
  output.text(
    "\nRun one with 'deltaclip reproduce <experiment>'; --variant paper for the paper's settings (theory: --variant large).",
  );
}

export async function reproduce(argv: readonly string[], output: Output): Promise<void> {
  const { values, positionals } = parseCommand(reproduceCommand, argv);
  const name = positionals[0];
  if (values.full !== undefined) {
    throw new UsageError(
      "--full was renamed: use --variant paper for the paper's settings (resnet-cifar10, vae-fashion-mnist, vit-cifar10, vit-small-cifar10) or --variant large for the larger theory run (the paper has no theory experiment)",
    );
  }
  if (name === undefined) return listExperiments(output);
  const experiment: Experiment | undefined = EXPERIMENTS[name];
  const skipped = NOT_REPRODUCED.find((x) => x.name === name);
  if (skipped) throw new UsageError(`Not reproduced: ${skipped.reason}`);
  if (experiment === undefined) {
    throw new UsageError(
      `Unknown experiment '${name}'.${didYouMean(name, Object.keys(EXPERIMENTS))} Experiments: ${Object.keys(EXPERIMENTS).join(', ')}`,
    );
  }
  // Without --data-dir the files are looked for on the datasets' search path; where they are not
  // found, loading says so (DatasetNotFoundError: which files, every folder searched, where to get them).
  const variant = (
    typeof values.variant === 'string' ? values.variant : 'laptop'
  ) as ExperimentVariant;
  const plan = experiment[variant];
  if (plan === undefined) {
    throw new UsageError(
      `${name} has no '${variant}' variant (it has ${experimentVariants(experiment)
        .map(([v]) => v)
        .join(
          ', ',
        )})${variant === 'paper' ? ': the paper has no such experiment; --variant large is a larger laptop run' : ''}`,
    );
  }
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
  const data = await describeData(dataset);
  let optimizers =
    typeof values.optimizers === 'string'
      ? parseOptimizerList(values.optimizers)
      : [...plan.optimizers];
  if (typeof values.delta === 'string') {
    optimizers = withDeltas(optimizers, parseDeltaList(values.delta, experiment));
  }
  const seeds = seedList(values, 1);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const out = typeof values.out === 'string' ? values.out : join('runs', `${name}-${stamp}`);
  checkOutDir(out, { overwrite: values.overwrite === true });
  const deviations = [
    ...experiment.deviations,
    ...(variant === 'laptop' ? experiment.laptopDeviations : []),
  ];
  const settings: Record<string, unknown> = { experiment: name, variant, deviations };
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
    `${experiment.title} (${VARIANT_WORDS[variant]}${variant === 'laptop' ? `; --variant ${experiment.paper ? 'paper' : 'large'} for ${experiment.paper ? "the paper's settings" : 'a larger run'}` : ''}).`,
  );
  for (const d of deviations) output.info(`Deviation: ${d}`);
  const result = await runComparison(
    {
      title: `deltaclip reproduce ${name}`,
      subtitle: experiment.description,
      base,
      optimizers,
      backend: String(values.backend),
      planName: name,
      trainSize: data.trainSize,
      values,
      out,
      settings,
      seeds,
    },
    output,
  );
  if (result === null) return;
  if (name === 'theory') {
    const lines = theoryLines(result.runs, result.steps, result.seeds.length);
    if (output.json) for (const line of lines) output.info(line);
    else for (const line of lines) output.text(`${line}\n`);
  }
}

/**
 * What the theory experiment is for, checked on its own result: δ-GClip's certificate level and
 * tightness, and where the floor bound.
 */
function theoryLines(
  runs: ComparisonResult['runs'],
  steps: ComparisonResult['steps'],
  seedCount: number,
): string[] {
  const lines: string[] = [];
  runs.forEach((r, i) => {
    const c = r.certificate;
    if (i % seedCount !== 0 || c === null || !c.covered || r.clipping === null) return;
    const floor = flooredText(steps[i]!);
    const what =
      c.verdict === 'informative'
        ? `the certificate is informative: with mu from the ${c.muSource} tangent kernel it guarantees L_T <= ${ratio(c.guaranteedRatio)} L_0 and the run reached ${ratio(c.achievedRatio)} L_0 (tightness ${c.tightness?.toFixed(3)}, ball radius ${c.radiusRatio?.toFixed(1)}x the distance travelled)`
        : `the certificate is ${c.verdict} here (${c.reasons.join('; ')})`;
    lines.push(`Theory check, ${r.label}: ${what}; ${floor}.`);
  });
  return lines;
}
