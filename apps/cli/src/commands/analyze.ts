import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePlStar, type PlStarRecord, WeightSnapshot } from '@deltaclip/plstar';
import { buildTask, fullBatch, type RunOutcome, type RunSpec } from '@deltaclip/train';
import { loadDatasetNode, readResumeState } from '@deltaclip/train/node';
import { type CommandDef, parseCommand, UsageError } from '../args.js';
import { selectBackend } from '../backends.js';
import { parseOptimizerSpec } from '../optimizer-names.js';
import { integerAtLeast } from '../option-schemas.js';
import type { Output } from '../output.js';
import { insightLines, summarizeRun } from '../summary.js';
import { dataLines, runBaseFromValues, TASK_OPTIONS } from '../task-options.js';

export const analyzeCommand: CommandDef = {
  name: 'analyze',
  summary:
    "PL* analysis of a model at given weights: the trajectory PL* ratio mu = ||grad L||^2 / 2L, the empirical tangent kernel's spectrum and the mu it implies for square loss, the Hessian's top eigenvalue beta, the distance from initialization. With a training run's checkpoint it also checks the convergence certificate (δ-GClip runs with PL* analysis) and says whether the δ floor ever bound.",
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
  ],
};

export async function analyze(argv: readonly string[], output: Output): Promise<void> {
  const { values } = parseCommand(analyzeCommand, argv);
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
      model: task.model,
      x: data.x,
      y: data.y,
      // Without a square-loss convention plstar skips the kernel bound and says why.
      ...(data.convention ? { squareLoss: data.convention } : {}),
      lossFn: data.lossFn,
      lossName: task.objective.name,
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
  const k = record.kernel;
  const h = record.hessian;
  const lines = [
    checkpoint
      ? `Checkpoint ${checkpoint.checkpoint} (step ${checkpoint.resume.position.step})`
      : 'At initialization',
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
    ...(insights.length ? ['', ...insights] : []),
  ];
  output.text(lines.join('\n'));
}
