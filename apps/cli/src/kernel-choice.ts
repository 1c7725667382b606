import { createModel, type ModelConfig } from '@deltaclip/models';
import { chooseKernelSamples, type KernelChoice } from '@deltaclip/plstar';
import type { RunSpec } from '@deltaclip/train';
import type { OptionDef } from './args.js';
import { UsageError } from './args.js';
import { selectBackend } from './backends.js';
import { text } from './option-schemas.js';
import type { DataInfo } from './task-options.js';

/** The default time the tangent kernels of one run may take: a few seconds per run. */
export const DEFAULT_KERNEL_BUDGET_SECONDS = 10;

export const KERNEL_BUDGET_OPTION: OptionDef = {
  name: 'kernel-budget',
  type: 'string',
  valueName: 'time',
  description: `time the tangent kernels of one run may take, e.g. 10s, 500ms, 2m (default ${DEFAULT_KERNEL_BUDGET_SECONDS}s): the kernel covers every training sample (mu source kernel-full) when its estimated cost fits, else the largest subset that fits (kernel-subset, optimistic), else none (trajectory); --kernel-samples overrides`,
  schema: text(),
};

/** `10s`, `500ms`, `2m` or a plain number of seconds, as seconds. */
export function parseDuration(value: string, option = '--kernel-budget'): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m)?\s*$/.exec(value);
  const seconds = m ? Number(m[1]) * (m[2] === 'ms' ? 1e-3 : m[2] === 'm' ? 60 : 1) : Number.NaN;
  if (!(seconds > 0)) {
    throw new UsageError(
      `${option} must be a positive duration such as 10s, 500ms or 2m (got ${JSON.stringify(value)})`,
    );
  }
  return seconds;
}

/** Steps a run will take (full batch: one per epoch), capped by maxSteps. */
export function plannedSteps(base: Omit<RunSpec, 'optimizer'>, trainSize: number): number {
  const perEpoch = base.batchSize === 'full' ? 1 : Math.ceil(trainSize / base.batchSize);
  const steps = base.epochs * perEpoch;
  return base.maxSteps === undefined ? steps : Math.min(steps, base.maxSteps);
}

/** Trainable parameters of a model spec, by building it once (then disposing it). */
export async function parameterCount(model: ModelConfig, backend: string): Promise<number> {
  await selectBackend(backend);
  const built = createModel(model);
  try {
    return built.variables.reduce((n, v) => n + v.size, 0);
  } finally {
    built.dispose();
  }
}

/**
 * Choose the tangent-kernel samples of a run's PL* analysis by plstar's cost model against the
 * budget, unless --kernel-samples fixed them. Returns the base with the choice applied and the
 * choice (null when there is no analysis or the user fixed the samples).
 */
export async function applyKernelBudget(
  base: Omit<RunSpec, 'optimizer'>,
  data: Pick<DataInfo, 'trainSize' | 'outputSize'>,
  options: { budgetSeconds: number; backend: string; fixedByUser: boolean },
): Promise<{ base: Omit<RunSpec, 'optimizer'>; choice: KernelChoice | null }> {
  const analysis = base.analysis;
  // Only a square loss has the kernel bound (plstar skips the kernel otherwise and says why).
  if (!analysis || options.fixedByUser || base.task.loss.kind !== 'square') {
    return { base, choice: null };
  }
  const steps = plannedSteps(base, data.trainSize);
  const choice = chooseKernelSamples({
    numSamples: data.trainSize,
    outputsPerSample: data.outputSize,
    params: await parameterCount(base.task.model as ModelConfig, options.backend),
    observations: Math.floor(steps / analysis.every) + 1,
    budgetSeconds: options.budgetSeconds,
  });
  return {
    base: { ...base, analysis: { ...analysis, tangentKernelSamples: choice.tangentKernelSamples } },
    choice,
  };
}
