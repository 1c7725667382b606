import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  type Callback,
  describeOptimizer,
  optimizerTitle,
  type ResumeState,
  type RunOptimizer,
  type RunOutcome,
  type RunSpec,
  runExperiment,
} from '@deltaclip/train';
import {
  acquireRunLock,
  checkpointer,
  jsonlLog,
  loadDatasetNode,
  type RunLock,
  readResumeState,
} from '@deltaclip/train/node';
import { type CommandDef, parseCommand, UsageError } from '../args.js';
import { selectBackend } from '../backends.js';
import { checkOptimizers, optimizerNameHint } from '../optimizer-checks.js';
import { parseOptimizerSpec } from '../optimizer-names.js';
import { integerAtLeast } from '../option-schemas.js';
import {
  checkOutDir,
  type OutDirPlan,
  OVERWRITE_OPTION,
  outOption,
  removeRunLeftovers,
  writeErrorFor,
} from '../out-dir.js';
import type { Output } from '../output.js';
import { createProgress } from '../progress.js';
import { resumeRequest } from '../resume-request.js';
import { insightLines, plstarLines, resultsTable, summarizeRun } from '../summary.js';
import { dataLines, runBaseFromValues, TASK_OPTIONS } from '../task-options.js';
import { DEFAULT_CLASSIFICATION_OPTIMIZERS } from './compare.js';

/** δ-GClip from compare's default set for the task (see DEFAULT_OPTIMIZERS and its classification twin). */
export const DEFAULT_OPTIMIZER = 'delta-gclip:lr=2,gamma=0.1,delta=0.2';
export const DEFAULT_CLASSIFICATION_OPTIMIZER = DEFAULT_CLASSIFICATION_OPTIMIZERS.split(';').find(
  (s) => s.startsWith('delta-gclip:'),
)!;

export const trainCommand: CommandDef = {
  name: 'train',
  summary:
    'Train one model with one optimizer, with progress, a JSON Lines log, and atomic checkpoints (model, optimizer state, data position) after every epoch, every --checkpoint-every steps and on Ctrl-C. A resumed run continues exactly like an uninterrupted one.',
  options: [
    ...TASK_OPTIONS,
    {
      name: 'optimizer',
      type: 'string',
      valueName: 'spec',
      description: `optimizer spec name:key=value,... (see 'deltaclip compare --help'; default: '${DEFAULT_OPTIMIZER}' for regression, '${DEFAULT_CLASSIFICATION_OPTIMIZER}' for classification)`,
    },
    outOption('run folder, new or empty: checkpoints/ and run.jsonl (default: runs/train-<time>)'),
    OVERWRITE_OPTION,
    {
      name: 'checkpoint-every',
      type: 'integer',
      valueName: 'steps',
      description:
        'also checkpoint every this many steps (default: at epoch ends and on stop only)',
      schema: integerAtLeast(1),
    },
    {
      name: 'resume',
      type: 'string',
      valueName: 'dir',
      description:
        'continue the run saved in this run folder: settings, backend and checkpoint cadence come from the checkpoint; --epochs and --max-steps extend it',
    },
  ],
  notes: [
    'Ctrl-C finishes the current step, writes a checkpoint and prints the command that resumes; a second',
    'Ctrl-C quits at once (the last checkpoint stays intact: checkpoints are written to a temporary folder',
    'and renamed into place).',
    '',
    'With --resume, --epochs N (more than before) extends a finished run and --max-steps N sets a new total;',
    '--checkpoint-every may change; any other option given must match the checkpoint, else it is an error',
    'naming the setting and both values. A damaged newest checkpoint is skipped with a warning (every file',
    'is checked against its SHA-256); a lock file (checkpoints/run.lock) stops a second process on the run.',
  ],
  examples: [
    'deltaclip train --optimizer delta-gclip:lr=2,gamma=0.1,delta=0.2 --epochs 300',
    'deltaclip train --dataset penguins --optimizer adam:lr=0.01 --batch-size 32 --epochs 50 --out runs/penguins',
    'deltaclip train --resume runs/penguins',
    'deltaclip train --resume runs/penguins --epochs 100',
  ],
};

function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoints');
}

/** Quoted for a POSIX shell where needed, so the printed command can be pasted as it is. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that continues this run exactly: backend and checkpoint cadence come from the
 * checkpoint, and this invocation's step limit is repeated (a resume drops the stored one).
 */
export function resumeCommand(runDir: string, spec: RunSpec): string {
  const limit = spec.maxSteps === undefined ? '' : ` --max-steps ${spec.maxSteps}`;
  return `deltaclip train --resume ${shellWord(runDir)}${limit}`;
}

/** Lines that must reach the user even with --json (which silences Output.info). */
function warn(line: string): void {
  process.stderr.write(`Warning: ${line}\n`);
}

function notice(line: string): void {
  process.stderr.write(`Note: ${line}\n`);
}

/** The run folder of `--resume DIR`: DIR, or its parent when DIR is the checkpoints folder. */
function runFolderOf(dir: string): string {
  if (existsSync(checkpointDir(dir))) return dir;
  if (basename(dir) === 'checkpoints' && existsSync(join(dir, 'latest.json'))) return dirname(dir);
  // Checked before the lock, which would otherwise be created in a folder that is not a run's.
  const where = resolve(dir);
  throw new UsageError(
    existsSync(where)
      ? `No checkpoint at ${where}: expected ${checkpointDir(where)}, written by 'deltaclip train --out ${dir}'`
      : `No checkpoint at ${where}: the path does not exist`,
  );
}

export async function train(argv: readonly string[], output: Output): Promise<void> {
  const { values, given } = parseCommand(trainCommand, argv);
  let spec: RunSpec;
  let resume: ResumeState | undefined;
  let runDir: string;
  let backendChoice = String(values.backend);
  let checkpointEvery =
    values['checkpoint-every'] === undefined ? undefined : Number(values['checkpoint-every']);
  // A resume takes the lock before reading the checkpoint: no other process writes in between.
  let lock: RunLock | undefined;
  // Set for a new run: what to remove if it fails before its first step.
  let outPlan: OutDirPlan | undefined;
  if (typeof values.resume === 'string') {
    runDir = runFolderOf(values.resume);
    lock = acquireRunLock(checkpointDir(runDir), { onNotice: notice });
    const state = readResumeState(checkpointDir(runDir));
    for (const line of state.warnings) warn(line);
    const request = resumeRequest({
      stored: state.spec,
      runtime: state.runtime,
      position: state.resume.position,
      values,
      given,
      runDir,
    });
    spec = request.spec;
    backendChoice = request.backend;
    checkpointEvery = request.checkpointEvery;
    resume = state.resume;
    const { position } = resume;
    const until = spec.maxSteps === undefined ? `epoch ${spec.epochs}` : `step ${spec.maxSteps}`;
    output.info(
      `Resuming ${describeOptimizer(spec.optimizer)} from ${state.checkpoint} at step ${position.step} (epoch ${position.epoch}, batch ${position.batch}), until ${until}.`,
    );
  } else {
    const parseOptimizer = (text: string): RunOptimizer => {
      try {
        return parseOptimizerSpec(text);
      } catch (error) {
        throw new UsageError(
          `--optimizer: ${(error as Error).message}${optimizerNameHint(text, (error as Error).message)}`,
        );
      }
    };
    // A given spec is checked before the data is read; the default depends on the data's task.
    const given =
      typeof values.optimizer === 'string' ? parseOptimizer(values.optimizer) : undefined;
    if (given) checkOptimizers([given], '--optimizer');
    const { base, data } = await runBaseFromValues(values, {
      epochs: 300,
      batchSize: 'full',
      analysisEvery: 0,
    });
    for (const line of dataLines(data)) output.info(line);
    const optimizer =
      given ??
      parseOptimizer(
        data.numClasses !== undefined ? DEFAULT_CLASSIFICATION_OPTIMIZER : DEFAULT_OPTIMIZER,
      );
    checkOptimizers([optimizer], '--optimizer');
    spec = { ...base, optimizer };
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    runDir = typeof values.out === 'string' ? values.out : join('runs', `train-${stamp}`);
    if (existsSync(join(checkpointDir(runDir), 'latest.json'))) {
      // --overwrite does not apply: a run's checkpoints are never replaced by another run's.
      throw new UsageError(
        `${runDir} already holds a run: resume it with 'deltaclip train --resume ${runDir}' or choose another --out`,
      );
    }
    outPlan = checkOutDir(runDir, { overwrite: values.overwrite === true });
  }
  const selected = await selectBackend(backendChoice);
  output.info(`Backend: ${selected.name} (${selected.reason}).`);
  const resumeWith = resumeCommand(runDir, spec);

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(
        '\nStopping after this step and writing a checkpoint (Ctrl-C again to quit now)...\n',
      );
      controller.abort();
    } else {
      process.stderr.write(
        `\nQuit. The last checkpoint in ${checkpointDir(runDir)} is intact. Resume with: ${resumeWith}\n`,
      );
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  const progress = createProgress(process.stderr, { quiet: output.json });
  const label = spec.optimizer.label ?? optimizerTitle(spec.optimizer);
  let stepsTaken = 0;
  const reporter: Callback = {
    onStepEnd(run) {
      stepsTaken += 1;
      const total = Math.min(
        run.stepsPerEpoch * run.epochs,
        spec.maxSteps ?? Number.POSITIVE_INFINITY,
      );
      const last = run.history.steps.at(-1);
      progress.update(
        label,
        run.position.step,
        total,
        last ? `loss ${last.loss.toPrecision(3)}` : '',
      );
    },
    onEpochEnd(_run, record) {
      const test = record.test ? `, test loss ${record.test.loss?.toPrecision(4)}` : '';
      const acc =
        record.test?.accuracy !== undefined
          ? `, test accuracy ${record.test.accuracy.toFixed(3)}`
          : '';
      progress.log(
        `epoch ${record.epoch}: train loss ${record.train.loss?.toPrecision(4)}${test}${acc}`,
      );
    },
  };
  const t0 = performance.now();
  let outcome: RunOutcome;
  try {
    outcome = await runExperiment(spec, {
      loader: loadDatasetNode,
      signal: controller.signal,
      ...(resume ? { resume } : {}),
      callbacks: [
        checkpointer({
          dir: checkpointDir(runDir),
          run: spec,
          backend: selected.name,
          ...(checkpointEvery === undefined ? {} : { everySteps: checkpointEvery }),
          onNotice: notice,
          ...(lock ? { lock } : {}),
        }),
        jsonlLog(join(runDir, 'run.jsonl'), { spec }),
        reporter,
      ],
    });
  } catch (error) {
    if (outPlan !== undefined && stepsTaken === 0) removeRunLeftovers(outPlan);
    throw writeErrorFor('--out', runDir, error);
  } finally {
    progress.end();
    process.removeListener('SIGINT', onSigint);
  }
  const summary = summarizeRun(outcome, (performance.now() - t0) / 1000, selected.name);
  const { result } = outcome;
  if (result.stopped && result.reason === 'aborted') {
    output.info(
      `Interrupted at step ${result.position.step}; checkpoint saved in ${checkpointDir(runDir)}.`,
    );
    output.info(`Resume with: ${resumeWith}`);
    if (output.json) {
      output.result({
        interrupted: true,
        runDir,
        summary,
        position: result.position,
        resumeCommand: resumeWith,
      });
    }
    process.exitCode = 130;
    return;
  }
  // What continues the run from here: the rest of its epochs after a step limit, more epochs
  // after a complete run; nothing after a divergence (its weights are not finite).
  const next =
    result.diverged !== undefined
      ? undefined
      : result.position.epoch < spec.epochs
        ? `Continue with: deltaclip train --resume ${shellWord(runDir)}`
        : `Train longer with: deltaclip train --resume ${shellWord(runDir)} --epochs ${2 * spec.epochs}`;
  if (output.json) {
    output.result({
      runDir,
      summary,
      position: result.position,
      history: result.history,
    });
    return;
  }
  output.text(resultsTable([summary]));
  for (const line of [...plstarLines([summary]), ...insightLines([summary])]) output.text(line);
  output.text(`\nRun folder: ${runDir} (checkpoints/, run.jsonl)`);
  if (next !== undefined) output.text(next);
}
