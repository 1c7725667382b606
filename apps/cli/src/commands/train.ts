import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Callback,
  describeOptimizer,
  type ResumeState,
  type RunOptimizer,
  type RunOutcome,
  type RunSpec,
  runExperiment,
} from '@deltaclip/train';
import { checkpointer, jsonlLog, loadDatasetNode, readResumeState } from '@deltaclip/train/node';
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
        'continue the run saved in this run folder (its settings come from the checkpoint)',
    },
  ],
  notes: [
    'Ctrl-C finishes the current step, writes a checkpoint and prints the command that resumes; a second',
    'Ctrl-C quits at once (the last checkpoint stays intact: checkpoints are written to a temporary folder',
    'and renamed into place).',
  ],
  examples: [
    'deltaclip train --optimizer delta-gclip:lr=2,gamma=0.1,delta=0.2 --epochs 300',
    'deltaclip train --dataset penguins --optimizer adam:lr=0.01 --batch-size 32 --epochs 50 --out runs/penguins',
    'deltaclip train --resume runs/penguins',
  ],
};

function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoints');
}

export async function train(argv: readonly string[], output: Output): Promise<void> {
  const { values } = parseCommand(trainCommand, argv);
  let spec: RunSpec;
  let resume: ResumeState | undefined;
  let runDir: string;
  // Set for a new run: what to remove if it fails before its first step.
  let outPlan: OutDirPlan | undefined;
  if (typeof values.resume === 'string') {
    runDir = values.resume;
    const where = existsSync(checkpointDir(runDir)) ? checkpointDir(runDir) : runDir;
    const state = readResumeState(where);
    // A limit on steps belonged to the interrupted invocation; --max-steps sets a new one.
    const { maxSteps: _previousLimit, ...rest } = state.spec;
    spec =
      values['max-steps'] !== undefined ? { ...rest, maxSteps: Number(values['max-steps']) } : rest;
    resume = state.resume;
    output.info(
      `Resuming ${describeOptimizer(spec.optimizer)} from ${state.checkpoint} at step ${resume.position.step} (epoch ${resume.position.epoch}, batch ${resume.position.batch}).`,
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
  const selected = await selectBackend(String(values.backend));
  output.info(`Backend: ${selected.name} (${selected.reason}).`);

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
      process.stderr.write(`\nQuit. The last checkpoint in ${checkpointDir(runDir)} is intact.\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  const progress = createProgress(process.stderr, { quiet: output.json });
  const label = spec.optimizer.label ?? spec.optimizer.className;
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
          ...(values['checkpoint-every'] !== undefined
            ? { everySteps: Number(values['checkpoint-every']) }
            : {}),
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
  if (outcome.result.stopped && outcome.result.reason === 'aborted') {
    output.info(
      `Interrupted at step ${outcome.result.position.step}; checkpoint saved in ${checkpointDir(runDir)}.`,
    );
    output.info(`Resume with: deltaclip train --resume ${runDir}`);
    if (output.json)
      output.result({ interrupted: true, runDir, summary, position: outcome.result.position });
    process.exitCode = 130;
    return;
  }
  if (output.json) {
    output.result({
      runDir,
      summary,
      position: outcome.result.position,
      history: outcome.result.history,
    });
    return;
  }
  output.text(resultsTable([summary]));
  for (const line of [...plstarLines([summary]), ...insightLines([summary])]) output.text(line);
  output.text(`\nRun folder: ${runDir} (checkpoints/, run.jsonl)`);
}
