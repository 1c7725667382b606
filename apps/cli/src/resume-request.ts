/**
 * What `deltaclip train --resume DIR` may be told besides the folder. The run's settings come
 * from its checkpoint; options given again are checked against it, so that nothing the user
 * typed is silently ignored: `--epochs` and `--max-steps` extend the run, `--checkpoint-every`
 * changes only how often it is saved, and any other option that differs from the checkpoint is
 * a one-line error naming the option, the setting, and both values (train's ResumeMismatchError).
 */
import { resolve } from 'node:path';
import type { RunPosition, RunSpec } from '@deltaclip/train';
import { ResumeMismatchError, resumeSpec } from '@deltaclip/train/node';
import { UsageError, type Values } from './args.js';
import { parseOptimizerSpec } from './optimizer-names.js';
import { parseLoss, parseModelSpec, parseSchedule } from './specs.js';

/** How the stored run was executed (the checkpoint's `runtime`). */
export interface StoredRuntime {
  readonly backend?: string;
  readonly checkpointEvery?: number;
}

export interface ResumeRequest {
  readonly spec: RunSpec;
  /** The backend to select: the checkpoint's, else --backend. */
  readonly backend: string;
  readonly checkpointEvery?: number;
}

/** Options that say how to run this invocation, not what the run is. */
const INVOCATION_OPTIONS = new Set(['resume', 'json', 'debug', 'config', 'help']);

type Overlay = (stored: RunSpec, value: string | number | boolean) => Partial<RunSpec>;

const withDataset = (stored: RunSpec, change: Record<string, unknown>): Partial<RunSpec> => ({
  task: {
    ...stored.task,
    dataset: { ...stored.task.dataset, ...change } as RunSpec['task']['dataset'],
  },
});

const withLimit = (stored: RunSpec, split: 'train' | 'test', n: number): Partial<RunSpec> =>
  withDataset(stored, { limit: { ...stored.task.dataset.limit, [split]: n } });

/**
 * Each option that defines the run, as the settings it requests laid over the stored spec: the
 * comparison then sees only what the option touches (`--model mlp:hidden=256` is checked against
 * the stored model's `hidden`, not against the sizes the data filled in).
 */
const OVERLAYS: Readonly<Record<string, Overlay>> = {
  optimizer: (_s, v) => ({ optimizer: parseOptimizerSpec(String(v)) }),
  seed: (_s, v) => ({ seed: Number(v) }),
  'batch-size': (_s, v) => ({ batchSize: v === 'full' ? 'full' : Number(v) }),
  schedule: (_s, v) => ({ schedule: parseSchedule(String(v)) }),
  dataset: (s, v) => withDataset(s, { name: String(v) }),
  'data-dir': (s, v) => withDataset(s, { dir: resolve(String(v)) }),
  'limit-train': (s, v) => withLimit(s, 'train', Number(v)),
  'limit-test': (s, v) => withLimit(s, 'test', Number(v)),
  model: (s, v) => ({
    task: {
      ...s.task,
      model: { ...s.task.model, ...parseModelSpec(String(v)) } as RunSpec['task']['model'],
    },
  }),
  loss: (s, v) => ({ task: { ...s.task, loss: parseLoss(String(v)) } }),
  'analysis-every': (s, v) => ({
    analysis: Number(v) === 0 ? null : { ...s.analysis, every: Number(v) },
  }),
  'kernel-samples': (s, v) => ({
    analysis: s.analysis ? { ...s.analysis, tangentKernelSamples: Number(v) } : null,
  }),
};

/**
 * The stored spec as the overlays see it: an absent schedule or analysis is the same as none, and
 * a data folder is compared as the absolute path it named when the run was started here.
 */
function comparable(stored: RunSpec): RunSpec {
  const { dir } = stored.task.dataset;
  return {
    ...stored,
    schedule: stored.schedule ?? null,
    analysis: stored.analysis ?? null,
    task: {
      ...stored.task,
      dataset: { ...stored.task.dataset, ...(dir === undefined ? {} : { dir: resolve(dir) }) },
    },
  };
}

function flagText(name: string, value: string | number | boolean): string {
  return typeof value === 'boolean' ? `--${name}` : `--${name} ${value}`;
}

/** Rethrow train's mismatch error with the option that asked for it in front. */
function checked<T>(name: string, value: string | number | boolean, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (ResumeMismatchError.is(error)) {
      throw new UsageError(`${flagText(name, value)}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * The spec, backend and checkpoint cadence of a resumed run, from the checkpoint and the options
 * the user gave (`given`). `runDir` is the folder being resumed (a `--out` naming another is an
 * error); `position` is the checkpoint's, to refuse a run with nothing left to do.
 */
export function resumeRequest(options: {
  readonly stored: RunSpec;
  readonly runtime: StoredRuntime;
  readonly position: RunPosition;
  readonly values: Values;
  readonly given: ReadonlySet<string>;
  readonly runDir: string;
}): ResumeRequest {
  const { stored, runtime, position, values, given, runDir } = options;
  const base = comparable(stored);
  for (const name of given) {
    if (INVOCATION_OPTIONS.has(name)) continue;
    const value = values[name]!;
    switch (name) {
      case 'epochs':
      case 'max-steps':
      case 'checkpoint-every':
        continue; // below
      case 'backend':
        // A stored backend is what the run's numbers came from; an old checkpoint has none.
        if (runtime.backend !== undefined && value !== runtime.backend) {
          throw new UsageError(
            `${flagText(name, value)}: ${new ResumeMismatchError('backend', runtime.backend, value).message}`,
          );
        }
        continue;
      case 'out':
        if (resolve(String(value)) !== resolve(runDir)) {
          throw new UsageError(
            `--out ${value}: a resumed run stays in its folder ${runDir}; leave out --out`,
          );
        }
        continue;
      case 'overwrite':
        throw new UsageError(
          `--overwrite does not apply to --resume: a run's checkpoints are never replaced; start a new run with --out to begin again`,
        );
    }
    const overlay = OVERLAYS[name];
    if (overlay === undefined) {
      // An option this table does not know yet: refusing it is safer than ignoring it.
      throw new UsageError(
        `${flagText(name, value)}: cannot be given with --resume, the run's settings come from its checkpoint; only --epochs, --max-steps and --checkpoint-every may change`,
      );
    }
    checked(name, value, () => resumeSpec(base, overlay(base, value)));
  }
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  const maxSteps = values['max-steps'] === undefined ? undefined : Number(values['max-steps']);
  const spec = checked('epochs', epochs ?? '', () =>
    resumeSpec(stored, {
      ...(epochs === undefined ? {} : { epochs }),
      ...(maxSteps === undefined ? {} : { maxSteps }),
    }),
  );
  if (maxSteps !== undefined && maxSteps <= position.step) {
    throw new UsageError(
      `--max-steps ${maxSteps}: the checkpoint in ${runDir} is already at step ${position.step}; --max-steps counts from the start of the run, so give a larger total`,
    );
  }
  if (position.epoch >= spec.epochs) {
    throw new UsageError(
      `the run in ${runDir} is complete (${spec.epochs} epoch${spec.epochs === 1 ? '' : 's'}, ${position.step} steps): add --epochs N with N > ${spec.epochs} to extend it`,
    );
  }
  const checkpointEvery =
    values['checkpoint-every'] !== undefined
      ? Number(values['checkpoint-every'])
      : runtime.checkpointEvery;
  return {
    spec,
    backend: runtime.backend ?? String(values.backend),
    ...(checkpointEvery === undefined ? {} : { checkpointEvery }),
  };
}
