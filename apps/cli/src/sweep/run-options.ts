/**
 * One sweep run as the CLI's own option values (`{dataset, model, epochs, optimizer, seed, ...}`,
 * the same names and schemas as the flags of `deltaclip train`). A queued job carries exactly this
 * JSON and nothing else; the sweep and every worker turn it into a RunSpec with the same function,
 * so a worker refuses what the command line would refuse, and builds the same spec the local pool
 * runs.
 */

import { CATALOG } from '@deltaclip/datasets';
import { type RunSpec, validateRunOptimizer } from '@deltaclip/train';
import { InvalidOptionError } from '@deltaclip/utils';
import * as v from 'valibot';
import {
  checkOptionValues,
  GLOBAL_OPTIONS,
  type OptionDef,
  UsageError,
  type Values,
} from '../args.js';
import { checkOptimizers, optimizerNameHint } from '../optimizer-checks.js';
import { parseOptimizerSpec } from '../optimizer-names.js';
import { didYouMean } from '../suggest.js';
import { type DataInfo, describeData, runBaseFromValues, TASK_OPTIONS } from '../task-options.js';

export const OPTIMIZER_OPTION: OptionDef = {
  name: 'optimizer',
  type: 'string',
  valueName: 'spec',
  description: "optimizer spec name:key=value,... (see 'deltaclip compare --help')",
};

/** The options a sweep's base and axes may set: the task options, the optimizer and the seed. */
export const RUN_OPTIONS: readonly OptionDef[] = [
  ...TASK_OPTIONS,
  OPTIMIZER_OPTION,
  GLOBAL_OPTIONS.find((o) => o.name === 'seed')!,
];

/** A sweep's defaults where the file says nothing: short runs, no PL* analysis. */
export const SWEEP_DEFAULTS = { epochs: 100, batchSize: 'full', analysisEvery: 0 } as const;

export type RunOptions = Readonly<Record<string, string | number | boolean>>;

const built = new Map<string, Promise<{ base: Omit<RunSpec, 'optimizer'>; data: DataInfo }>>();

/**
 * The RunSpec of one run's options, checked as the CLI checks flags. `where` starts error
 * messages. Data descriptions are cached per process (a sweep's runs share their data).
 */
export async function runSpecFromOptions(
  options: unknown,
  where: string,
): Promise<{ spec: RunSpec; data: DataInfo }> {
  const checked = checkOptionValues(options, RUN_OPTIONS, where);
  const values: Values = {};
  for (const o of RUN_OPTIONS) {
    if (checked[o.name] !== undefined || o.default !== undefined) {
      values[o.name] = checked[o.name] ?? o.default;
    }
  }
  if (typeof values.optimizer !== 'string') {
    throw new UsageError(`${where} a run needs an optimizer (e.g. optimizer: 'sgd:lr=0.1')`);
  }
  const seed = Number(values.seed ?? 0);
  const { optimizer: optimizerText, seed: _seed, ...task } = values;
  const key = JSON.stringify(Object.entries(task).sort(([a], [b]) => a.localeCompare(b)));
  let pending = built.get(key);
  if (pending === undefined) {
    pending = runBaseFromValues({ ...task, seed: 0 }, SWEEP_DEFAULTS);
    built.set(key, pending);
    pending.catch(() => built.delete(key));
  }
  const { base, data } = await pending;
  let optimizer: RunSpec['optimizer'];
  try {
    optimizer = parseOptimizerSpec(optimizerText);
  } catch (error) {
    const message = (error as Error).message;
    throw new UsageError(
      `${where} optimizer: ${message}${optimizerNameHint(optimizerText, message)}`,
    );
  }
  checkOptimizers([optimizer], `${where} optimizer`);
  // The same seeding as runBaseFromValues: the seed sets data order and initialization.
  const spec: RunSpec = {
    ...base,
    task: { ...base.task, model: { ...base.task.model, seed } },
    seed,
    optimizer,
  };
  return { spec, data };
}

const count = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min));
const kinded = v.looseObject({ kind: v.pipe(v.string(), v.minLength(1)) });

/**
 * A whole RunSpec as a job may carry it (compare and reproduce build theirs in the main process:
 * kernel budgets, tuned or calibrated hyperparameters, experiment plans). Its shape is checked
 * here; the optimizer and the data as the CLI checks them; the model, loss and schedule by the
 * packages that build them, which report bad values as user errors.
 */
const RunSpecSchema = v.strictObject({
  task: v.strictObject({
    dataset: v.looseObject({ name: v.pipe(v.string(), v.minLength(1)) }),
    model: kinded,
    loss: kinded,
  }),
  optimizer: v.unknown(),
  schedule: v.optional(v.nullable(kinded)),
  epochs: count(1),
  batchSize: v.union([count(1), v.literal('full')]),
  seed: v.pipe(count(0), v.maxValue(2 ** 53 - 1)),
  maxSteps: v.optional(count(1)),
  analysis: v.optional(
    v.nullable(
      v.strictObject({
        every: count(1),
        tangentKernelSamples: v.optional(v.union([count(0), v.literal('all')])),
        hessianIterations: v.optional(count(0)),
      }),
    ),
  ),
});

const described = new Map<string, Promise<DataInfo>>();

/** A job's RunSpec checked before it runs; `where` starts error messages. */
export async function runSpecFromJob(
  spec: unknown,
  where: string,
): Promise<{ spec: RunSpec; data: DataInfo }> {
  const parsed = v.safeParse(RunSpecSchema, spec);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = (issue.path ?? []).map((p) => String(p.key)).join('.');
    throw new UsageError(`${where} spec${path ? `.${path}` : ''}: ${issue.message}`);
  }
  const checked = parsed.output as unknown as RunSpec;
  try {
    validateRunOptimizer(checked.optimizer, 'spec.optimizer');
  } catch (error) {
    if (InvalidOptionError.is(error)) throw new UsageError(`${where} ${(error as Error).message}`);
    throw error;
  }
  checkOptimizers([checked.optimizer], `${where} spec.optimizer`);
  const { dataset } = checked.task;
  if (dataset.file === undefined && !CATALOG.some((e) => e.name === dataset.name)) {
    throw new UsageError(
      `${where} spec.task.dataset.name: unknown dataset '${dataset.name}'.${didYouMean(
        dataset.name,
        CATALOG.map((e) => e.name),
      )} Known datasets: ${CATALOG.map((e) => e.name).join(', ')}`,
    );
  }
  const key = JSON.stringify(checked.task.dataset);
  let pending = described.get(key);
  if (pending === undefined) {
    pending = describeData(checked.task.dataset);
    described.set(key, pending);
    pending.catch(() => described.delete(key));
  }
  return { spec: checked, data: await pending };
}
