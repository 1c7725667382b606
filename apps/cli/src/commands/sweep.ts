import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { type CommandDef, parseCommand, UsageError, type Values } from '../args.js';
import { integerAtLeast, oneOf } from '../option-schemas.js';
import {
  checkOutDir,
  OVERWRITE_OPTION,
  outOption,
  WORKERS_OPTION,
  writeErrorFor,
} from '../out-dir.js';
import type { Output } from '../output.js';
import { createProgress } from '../progress.js';
import { scheduleRuns, scheduleText } from '../scheduling.js';
import { writeSweepReport } from '../sweep/aggregate.js';
import { redactUrl } from '../sweep/connection.js';
import { runLocalPool } from '../sweep/local-pool.js';
import { calibrate, type PlannedRun, planText, stepsOf } from '../sweep/plan.js';
import {
  enqueueSweep,
  loadStoredSweep,
  openQueue,
  type StoredSweep,
  waitForSweep,
} from '../sweep/queue-client.js';
import type { RunRecord } from '../sweep/records.js';
import { runSpecFromOptions } from '../sweep/run-options.js';
import { expandSweep, readSweepFile, type SweepRun, type SweepSpec } from '../sweep/spec.js';
import { QUEUE_OPTION } from './worker.js';

const INTERRUPT_CHOICES = ['ask', 'cancel', 'leave'] as const;

export const sweepCommand: CommandDef = {
  name: 'sweep',
  summary:
    'Run a grid of training runs from a JSON or YAML file (a base run and axes: optimizer, lr, gamma, delta, seed, batch-size, ...) on a local pool of worker processes, or on a BullMQ queue on Redis that any number of `deltaclip worker`s take runs from. Prints the plan with an estimated time first, then writes results.json, runs.csv and report.html (the final loss over each swept axis, mean and std over seeds).',
  positionals: [{ name: 'file', description: 'the sweep file (.json, .yaml or .yml)' }],
  options: [
    { name: 'dry-run', type: 'boolean', description: 'print the plan (and the estimate) only' },
    WORKERS_OPTION,
    QUEUE_OPTION,
    {
      name: 'attach',
      type: 'string',
      valueName: 'id',
      description:
        'with --queue: wait again for a sweep that was left queued (Ctrl-C, lost connection)',
    },
    {
      name: 'attempts',
      type: 'integer',
      valueName: 'n',
      default: 3,
      description: 'with --queue: times a run that crashes is started before it counts as failed',
      schema: integerAtLeast(1),
    },
    {
      name: 'on-interrupt',
      type: 'string',
      valueName: 'what',
      default: 'ask',
      description:
        "with --queue, on Ctrl-C: 'cancel' the remaining runs, 'leave' them queued, or 'ask' (on a terminal; elsewhere it cancels)",
      schema: oneOf(INTERRUPT_CHOICES),
      choices: INTERRUPT_CHOICES,
    },
    {
      name: 'calibrate-steps',
      type: 'integer',
      valueName: 'n',
      default: 5,
      description: 'steps of the first run timed for the estimate (0: no estimate)',
      schema: integerAtLeast(0),
    },
    {
      name: 'redis-timeout',
      type: 'integer',
      valueName: 's',
      default: 30,
      description:
        'with --queue: give up (the jobs stay queued) after Redis is unreachable this long',
      schema: integerAtLeast(1),
    },
    outOption('report folder, new or empty (default: runs/sweep-<name>-<time>)'),
    OVERWRITE_OPTION,
  ],
  notes: [
    'A sweep file: {"name": "lr-seeds", "base": {"dataset": "cars", "model": "mlp:hidden=64", "epochs": 50,',
    '"optimizer": "delta-gclip:lr=1,gamma=0.1,delta=0.2"}, "axes": {"lr": [0.5, 1, 2], "seed": {"from": 0, "to": 4}}}.',
    'Base keys are the options of deltaclip train; grids are {from, to, steps, scale: linear|log}.',
  ],
  examples: [
    'deltaclip sweep sweeps/lr-gamma.yaml --dry-run',
    'deltaclip sweep sweeps/lr-gamma.yaml --workers 4 --out runs/lr-gamma',
    'deltaclip sweep sweeps/seeds.json --queue redis://10.0.0.5:6379',
    'deltaclip sweep --attach lr-gamma-m1x2k3 --queue redis://10.0.0.5:6379',
  ],
};

async function plan(runs: readonly SweepRun[]): Promise<PlannedRun[]> {
  const planned: PlannedRun[] = [];
  for (const run of runs) {
    const { spec, data } = await runSpecFromOptions(
      run.options,
      `run ${run.index + 1} (${run.label}):`,
    );
    planned.push({ run, spec, steps: stepsOf(spec, data) });
  }
  return planned;
}

/** Ctrl-C on a queued sweep: cancel or leave the remaining jobs. */
async function interruptChoice(values: Values): Promise<'cancel' | 'leave'> {
  const choice = String(values['on-interrupt']);
  if (choice === 'cancel' || choice === 'leave') return choice;
  if (!process.stdin.isTTY) return 'cancel';
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      '\nCancel the remaining runs, or leave them queued for the workers? [c/l] ',
    );
    return /^l/i.test(answer.trim()) ? 'leave' : 'cancel';
  } finally {
    rl.close();
  }
}

export async function sweep(argv: readonly string[], output: Output): Promise<void> {
  const { values, positionals } = parseCommand(sweepCommand, argv);
  const url = typeof values.queue === 'string' ? values.queue : undefined;
  const attach = typeof values.attach === 'string' ? values.attach : undefined;
  if (attach !== undefined && url === undefined) {
    throw new UsageError(
      '--attach needs --queue redis://host:port (the Redis the sweep is queued on)',
    );
  }
  if (attach === undefined && positionals.length !== 1) {
    throw new UsageError(
      `'deltaclip sweep' takes one sweep file (got ${positionals.length}): deltaclip sweep FILE [--queue URL]`,
    );
  }
  if (attach !== undefined && positionals.length > 0) {
    throw new UsageError('--attach takes no sweep file: the plan comes from the queue');
  }
  const progress = createProgress(process.stderr, { quiet: output.json });
  let sweepSpec: SweepSpec;
  let runs: readonly SweepRun[];
  let stored: StoredSweep | undefined;
  let queueHandle: Awaited<ReturnType<typeof openQueue>> | undefined;
  if (attach !== undefined) {
    queueHandle = await openQueue(url!);
    stored = await loadStoredSweep(queueHandle, attach, url!);
    sweepSpec = stored.sweep;
    runs = stored.runs;
  } else {
    sweepSpec = readSweepFile(positionals[0]!);
    runs = expandSweep(sweepSpec);
  }
  // An attached sweep runs on the backend its jobs carry, whatever this command's default is.
  const backend = stored?.backend ?? String(values.backend);
  // With --json stdout is the result only, but the sweep ID must still be seen to reattach.
  const note = (line: string) =>
    output.json ? process.stderr.write(`${line}\n`) : output.info(line);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const out =
    typeof values.out === 'string' ? values.out : join('runs', `sweep-${sweepSpec.name}-${stamp}`);
  const workers = Math.max(
    1,
    Math.min(
      values.workers === undefined ? availableParallelism() : Number(values.workers),
      runs.length,
    ),
  );
  const t0 = performance.now();
  if (attach === undefined) {
    // Every run is built and checked here, before anything is enqueued or started.
    const planned = await plan(runs);
    let parallel = workers;
    let where = `on ${workers} local worker process${workers === 1 ? '' : 'es'}`;
    if (url !== undefined) {
      queueHandle = await openQueue(url);
      const connected = await queueHandle.queue.getWorkersCount();
      parallel = Math.max(1, connected);
      where = `on the queue at ${redactUrl(url)} (${connected} worker${connected === 1 ? '' : 's'} connected now)`;
    }
    const steps = Number(values['calibrate-steps']);
    const calibration = steps > 0 ? await calibrate(planned[0]!, steps, backend) : null;
    const text = `${planText(sweepSpec, planned, where, parallel, calibration)}${url === undefined ? `\nSchedule: ${scheduleText(scheduleRuns(runs.length, workers))}.` : ''}`;
    if (values['dry-run'] === true) {
      await queueHandle?.close();
      if (output.json) {
        output.result({
          sweep: sweepSpec,
          runs: planned.map((p) => ({ ...p.run, steps: p.steps })),
          calibration,
        });
      } else output.text(text);
      return;
    }
    checkOutDir(out, { overwrite: values.overwrite === true });
    if (output.json) process.stderr.write(`${text}\n`);
    else output.text(text);
    if (url === undefined) {
      const records = await runLocal(planned, { workers, backend, progress, output });
      if (records === null) return;
      finishSweep(
        out,
        sweepSpec,
        records,
        { where: 'local', workers, backend, wallSeconds: (performance.now() - t0) / 1000 },
        output,
      );
      return;
    }
    const id = `${sweepSpec.name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
    stored = {
      id,
      sweep: sweepSpec,
      runs,
      backend,
      attempts: Number(values.attempts),
      createdAt: new Date().toISOString(),
    };
    await enqueueSweep(queueHandle!, stored);
  }
  checkOutDir(out, { overwrite: values.overwrite === true || attach !== undefined });
  const handle = queueHandle!;
  const wait = waitForSweep(handle, stored!, {
    url: url!,
    lostAfterMs: Number(values['redis-timeout']) * 1000,
    onProgress: (i, step, total, loss) =>
      progress.update(
        `run ${i + 1}`,
        step,
        total,
        typeof loss === 'number' ? `loss ${loss.toPrecision(3)}` : '',
      ),
    onRecord: (r) => progress.log(recordLine(r, runs.length)),
    onNotice: (line) => progress.log(line),
  });
  let interrupted: Promise<null> | undefined;
  let settleInterrupt!: (value: Promise<null>) => void;
  const interruptDone = new Promise<null>((resolve) => {
    settleInterrupt = resolve;
  });
  const onSigint = () => {
    if (interrupted) return;
    interrupted = (async () => {
      const how = await interruptChoice(values);
      const pending = wait.pending();
      const { removed, running } = await wait.stop(how);
      progress.end();
      const reattach = `deltaclip sweep --attach ${stored!.id} --queue ${redactUrl(url!)}`;
      if (how === 'leave') {
        note(`Left ${pending} runs of sweep ${stored!.id} queued. Reconnect with: ${reattach}`);
      } else {
        note(
          `Cancelled sweep ${stored!.id}: removed ${removed} queued run${removed === 1 ? '' : 's'}${running ? `; ${running} running run${running === 1 ? '' : 's'} finish on their workers and are discarded` : ''}.`,
        );
      }
      if (output.json) {
        output.result({
          sweepId: stored!.id,
          interrupted: how,
          pending,
          removed,
          running,
          ...(how === 'leave' ? { attach: reattach } : {}),
        });
      }
      process.exitCode = 130;
      return null;
    })();
    // A failure while cancelling (Redis gone) reaches the command's error handling.
    settleInterrupt(interrupted);
  };
  // The handler is in place before the sweep ID is printed: whoever reads that line may Ctrl-C at once.
  process.on('SIGINT', onSigint);
  if (attach !== undefined) {
    note(`Attached to sweep ${attach} on ${redactUrl(url!)}: ${runs.length} runs.`);
  } else {
    note(`Sweep ${stored!.id}: enqueued ${runs.length} runs on ${redactUrl(url!)}.`);
  }
  try {
    const records = await Promise.race([wait.done, interruptDone]);
    if (records === null) return;
    finishSweep(
      out,
      sweepSpec,
      records,
      {
        where: redactUrl(url!),
        sweepId: stored!.id,
        backend,
        wallSeconds: (performance.now() - t0) / 1000,
      },
      output,
    );
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.end();
    await handle.close();
  }
}

function recordLine(r: RunRecord, total: number): string {
  const head = `run ${r.run.index + 1}/${total} (${r.run.label})`;
  if (r.status === 'failed')
    return `${head} failed${r.error?.userError ? '' : ` after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`}: ${r.error?.message}`;
  const epochs = r.result!.outcome.result.history.epochs;
  const loss = epochs.at(-1)?.train.loss;
  return `${head} done${r.worker && r.worker !== 'local' ? ` on ${r.worker}` : ''}${typeof loss === 'number' ? `: final loss ${loss.toPrecision(4)}` : ': no finite final loss'}${r.result?.resumedFrom !== undefined ? ` (resumed from step ${r.result.resumedFrom})` : ''}`;
}

async function runLocal(
  planned: readonly PlannedRun[],
  o: {
    workers: number;
    backend: string;
    progress: ReturnType<typeof createProgress>;
    output: Output;
  },
): Promise<RunRecord[] | null> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const records = await runLocalPool(planned, {
      workers: o.workers,
      backend: o.backend,
      signal: controller.signal,
      onProgress: (i, step, total, loss) =>
        o.progress.update(
          `run ${i + 1}`,
          step,
          total,
          typeof loss === 'number' ? `loss ${loss.toPrecision(3)}` : '',
        ),
      onRecord: (r) => o.progress.log(recordLine(r, planned.length)),
    });
    if (controller.signal.aborted) {
      o.progress.end();
      o.output.info(
        `Interrupted: ${records.length} of ${planned.length} runs had finished; nothing written.`,
      );
      process.exitCode = 130;
      return null;
    }
    return records;
  } finally {
    process.removeListener('SIGINT', onSigint);
    o.progress.end();
  }
}

function finishSweep(
  out: string,
  sweepSpec: SweepSpec,
  records: RunRecord[],
  meta: Record<string, unknown>,
  output: Output,
): void {
  let report: ReturnType<typeof writeSweepReport>;
  try {
    report = writeSweepReport(out, sweepSpec, records, {
      ...meta,
      wallSeconds: Number((meta.wallSeconds as number).toFixed(2)),
    });
  } catch (error) {
    throw writeErrorFor('--out', out, error);
  }
  const failed = records.filter((r) => r.status === 'failed');
  if (output.json) {
    output.result({
      out,
      report: join(out, 'report.html'),
      runs: records.map((r) => ({
        index: r.run.index,
        label: r.run.label,
        params: r.run.params,
        status: r.status,
        worker: r.worker,
        attempts: r.attempts,
        ...(r.error ? { error: r.error } : {}),
        finalTrainLoss: r.result?.outcome.result.history.epochs.at(-1)?.train.loss ?? null,
      })),
      groups: report.groups,
      failed: failed.length,
    });
  } else {
    output.text(`\n${report.tableText}\n`);
    for (const r of failed)
      output.text(
        `run ${r.run.index + 1} (${r.run.label}) failed: ${r.error?.name}: ${r.error?.message}`,
      );
    output.text(
      `\nReport: ${join(out, 'report.html')} (also results.json, runs.csv, steps.csv, epochs.csv, analysis.csv)`,
    );
    output.text(
      `${records.length - failed.length} of ${records.length} runs finished in ${(meta.wallSeconds as number).toFixed(1)} s.`,
    );
  }
  if (failed.length > 0) process.exitCode = failed.every((r) => r.error?.userError) ? 2 : 1;
}
