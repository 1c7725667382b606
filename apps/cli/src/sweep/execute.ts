/**
 * Where a plan's runs go and how the command waits for them, the same for `sweep`, `compare` and
 * `reproduce`: the local pool (a worker process per run, `--workers` at a time) by default, or
 * BullMQ jobs on Redis with `--queue`, taken by `deltaclip worker`s anywhere. Ctrl-C stops a local
 * plan, and asks whether a queued one's remaining jobs are cancelled or left queued.
 */
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Values } from '../args.js';
import type { Output } from '../output.js';
import type { Progress } from '../progress.js';
import { RunFailedError } from '../runner.js';
import { redactUrl } from './connection.js';
import { runLocalPool } from './local-pool.js';
import type { PlannedRun } from './plan.js';
import type { QueueHandle, StoredSweep } from './queue-client.js';
import type { RunRecord } from './records.js';
import type { SweepSpec } from './spec.js';

/** Where the runs of a plan go: the local pool, or the queue (then `handle` is open). */
export interface Placement {
  /** For the plan's first line: `on 2 local worker processes`, `on the queue at ...`. */
  readonly where: string;
  /** How many runs go at a time, for the estimate. */
  readonly parallel: number;
  /** Local worker processes (also without a queue: calibration and the report's settings). */
  readonly workers: number;
  readonly url?: string;
  readonly handle?: QueueHandle;
}

/** The queue client loads bullmq and ioredis: only when --queue asks for them. */
function queueClient() {
  return import('./queue-client.js');
}

export async function placeRuns(values: Values, runCount: number): Promise<Placement> {
  const workers = Math.max(
    1,
    Math.min(
      values.workers === undefined ? availableParallelism() : Number(values.workers),
      runCount,
    ),
  );
  const url = typeof values.queue === 'string' ? values.queue : undefined;
  if (url === undefined) {
    return {
      where: `on ${workers} local worker process${workers === 1 ? '' : 'es'}`,
      parallel: workers,
      workers,
    };
  }
  const handle = await (await queueClient()).openQueue(url);
  const connected = await handle.queue.getWorkersCount();
  return {
    where: `on the queue at ${redactUrl(url)} (${connected} worker${connected === 1 ? '' : 's'} connected now)`,
    parallel: Math.max(1, connected),
    workers,
    url,
    handle,
  };
}

export interface PlanRunOptions {
  readonly sweep: SweepSpec;
  readonly planned: readonly PlannedRun[];
  readonly backend: string;
  /** The command's values: attempts, on-interrupt, redis-timeout. */
  readonly values: Values;
  readonly output: Output;
  readonly progress: Progress;
  /**
   * Stop at the first failed run and throw its error (a RunFailedError): a comparison needs every
   * run, while a sweep reports a failed run and goes on.
   */
  readonly stopOnFailure?: boolean;
}

/** The records of every run (in run order), or null when Ctrl-C stopped the plan. */
export interface PlanOutcome {
  readonly records: RunRecord[];
  readonly where: string;
  readonly sweepId?: string;
}

/** One line per finished run, for the progress log. */
export function recordLine(r: RunRecord, total: number): string {
  const head = `run ${r.run.index + 1}/${total} (${r.run.label})`;
  if (r.status === 'failed')
    return `${head} failed${r.error?.userError ? '' : ` after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`}: ${r.error?.message}`;
  const epochs = r.result!.outcome.result.history.epochs;
  const loss = epochs.at(-1)?.train.loss;
  return `${head} done${r.worker && r.worker !== 'local' ? ` on ${r.worker}` : ''}${typeof loss === 'number' ? `: final loss ${loss.toPrecision(4)}` : ': no finite final loss'}${r.result?.resumedFrom !== undefined ? ` (resumed from step ${r.result.resumedFrom})` : ''}`;
}

function progressUpdate(progress: Progress, label: (index: number) => string) {
  return (i: number, step: number, total: number, loss?: number) =>
    progress.update(
      label(i),
      step,
      total,
      typeof loss === 'number' ? `loss ${loss.toPrecision(3)}` : '',
    );
}

/** Run the plan where `placement` says; the queue's handle is closed at the end. */
export async function runPlan(
  placement: Placement,
  o: PlanRunOptions,
): Promise<PlanOutcome | null> {
  const labels = new Map(o.planned.map((p) => [p.run.index, p.run.label]));
  const label = (i: number) => labels.get(i) ?? `run ${i + 1}`;
  if (placement.handle === undefined) {
    const records = await runLocal(o, placement.workers, label);
    return records === null ? null : { records, where: 'local' };
  }
  const { enqueueSweep } = await queueClient();
  const handle = placement.handle;
  const url = placement.url!;
  try {
    const id = `${o.sweep.name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
    const stored: StoredSweep = {
      id,
      sweep: o.sweep,
      runs: o.planned.map((p) => p.run),
      backend: o.backend,
      attempts: Number(o.values.attempts ?? 3),
      createdAt: new Date().toISOString(),
    };
    await enqueueSweep(handle, stored);
    const records = await waitOnQueue(handle, stored, {
      url,
      values: o.values,
      output: o.output,
      progress: o.progress,
      attached: false,
      ...(o.stopOnFailure ? { stopOnFailure: true } : {}),
    });
    return records === null ? null : { records, where: redactUrl(url), sweepId: id };
  } finally {
    await handle.close();
  }
}

async function runLocal(
  o: PlanRunOptions,
  workers: number,
  label: (index: number) => string,
): Promise<RunRecord[] | null> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const records = await runLocalPool(o.planned, {
      workers,
      backend: o.backend,
      signal: controller.signal,
      ...(o.stopOnFailure ? { stopOnFailure: true } : {}),
      onProgress: progressUpdate(o.progress, label),
      onRecord: (r) => o.progress.log(recordLine(r, o.planned.length)),
    });
    if (controller.signal.aborted) {
      o.progress.end();
      o.output.info(
        `Interrupted: ${records.length} of ${o.planned.length} runs had finished; nothing written.`,
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

/** Ctrl-C on a queued plan: cancel or leave the remaining jobs. */
async function interruptChoice(values: Values): Promise<'cancel' | 'leave'> {
  const choice = String(values['on-interrupt'] ?? 'ask');
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

/**
 * Wait for the queued runs of `stored` (just enqueued, or `attached` to again), with Ctrl-C
 * handled: null when interrupted (exit code 130, the sweep ID printed for --attach).
 */
export async function waitOnQueue(
  handle: QueueHandle,
  stored: StoredSweep,
  o: {
    url: string;
    values: Values;
    output: Output;
    progress: Progress;
    attached: boolean;
    stopOnFailure?: boolean;
  },
): Promise<RunRecord[] | null> {
  const { waitForSweep } = await queueClient();
  const { output, progress, url } = o;
  const runs = stored.runs;
  const labels = new Map(runs.map((r) => [r.index, r.label]));
  // With --json stdout is the result only, but the sweep ID must still be seen to reattach.
  const note = (line: string) =>
    output.json ? process.stderr.write(`${line}\n`) : output.info(line);
  let failure: RunRecord | undefined;
  let settleFailure!: (value: null) => void;
  const failed = new Promise<null>((resolve) => {
    settleFailure = resolve;
  });
  const wait = waitForSweep(handle, stored, {
    url,
    lostAfterMs: Number(o.values['redis-timeout'] ?? 30) * 1000,
    onProgress: progressUpdate(progress, (i) => labels.get(i) ?? `run ${i + 1}`),
    onRecord: (r) => {
      progress.log(recordLine(r, runs.length));
      if (o.stopOnFailure && r.status === 'failed' && failure === undefined) {
        failure = r;
        settleFailure(null);
      }
    },
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
      const how = await interruptChoice(o.values);
      const pending = wait.pending();
      const { removed, running } = await wait.stop(how);
      progress.end();
      const reattach = `deltaclip sweep --attach ${stored.id} --queue ${redactUrl(url)}`;
      if (how === 'leave') {
        note(`Left ${pending} runs of sweep ${stored.id} queued. Reconnect with: ${reattach}`);
      } else {
        note(
          `Cancelled sweep ${stored.id}: removed ${removed} queued run${removed === 1 ? '' : 's'}${running ? `; ${running} running run${running === 1 ? '' : 's'} finish on their workers and are discarded` : ''}.`,
        );
      }
      if (output.json) {
        output.result({
          sweepId: stored.id,
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
  if (o.attached) {
    note(`Attached to sweep ${stored.id} on ${redactUrl(url)}: ${runs.length} runs.`);
  } else {
    note(`Sweep ${stored.id}: enqueued ${runs.length} runs on ${redactUrl(url)}.`);
  }
  try {
    const records = await Promise.race([wait.done, interruptDone, failed]);
    if (failure !== undefined) {
      // The plan cannot complete without this run: the others need not run on.
      await wait.stop('cancel').catch(() => undefined);
      const e = failure.error!;
      throw new RunFailedError(failure.run.index, e.name, e.message, e.userError);
    }
    return records;
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.end();
  }
}
