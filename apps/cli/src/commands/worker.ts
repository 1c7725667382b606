import { hostname } from 'node:os';
import { join } from 'node:path';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import * as v from 'valibot';
import { type CommandDef, parseCommand, UsageError } from '../args.js';
import { isUserError } from '../errors.js';
import { integerAtLeast } from '../option-schemas.js';
import type { Output } from '../output.js';
import { RunFailedError, type RunProcess, startRunProcess } from '../runner.js';
import { scheduleRuns, scheduleText } from '../scheduling.js';
import { cancelKey, QUEUE_NAME, redactUrl, redisOptions } from '../sweep/connection.js';
import {
  type JobData,
  JobDataSchema,
  type JobResult,
  jobShapeProblem,
  USER_ERROR_PREFIX,
} from '../sweep/job.js';
import { QUEUE_OPTION } from '../sweep/options.js';
import { runSpecFromJob, runSpecFromOptions } from '../sweep/run-options.js';

/** BullMQ's default: a job whose worker stopped renewing its lock is taken back after at most ~2x this. */
export const DEFAULT_STALLED_INTERVAL_MS = 30_000;

export const workerCommand: CommandDef = {
  name: 'worker',
  summary:
    "Take sweep runs from a BullMQ queue on Redis and run them, each in its own process, reporting progress and results through the queue. Start one on every machine that should help with 'deltaclip sweep FILE --queue URL'.",
  options: [
    QUEUE_OPTION,
    {
      name: 'concurrency',
      type: 'integer',
      valueName: 'n',
      default: 1,
      description:
        'runs at a time on this machine (the cores are shared out: each run gets max(1, floor(cores / n)) threads)',
      schema: integerAtLeast(1),
    },
    {
      name: 'checkpoint-dir',
      type: 'string',
      valueName: 'dir',
      description:
        'checkpoint every run under dir/<sweep>/run-<n>; on a folder shared by all workers, a run whose worker died resumes there instead of restarting',
    },
    {
      name: 'checkpoint-every',
      type: 'integer',
      valueName: 'steps',
      description:
        'with --checkpoint-dir, also checkpoint every this many steps (default: epoch ends)',
      schema: integerAtLeast(1),
    },
    {
      name: 'stalled-interval',
      type: 'integer',
      valueName: 'ms',
      default: DEFAULT_STALLED_INTERVAL_MS,
      description:
        "lock time and stalled-job check interval: a killed worker's run is taken over after at most about twice this",
      schema: integerAtLeast(100),
    },
    {
      name: 'max-jobs',
      type: 'integer',
      valueName: 'n',
      description: 'exit after this many jobs (default: run until Ctrl-C)',
      schema: integerAtLeast(1),
    },
  ],
  notes: [
    'A job carries run options only (JSON): the worker checks them with the same rules as the flags of',
    "'deltaclip train' and refuses a job that fails them (not retried; the error reaches the sweep). A run",
    'that crashes is retried up to the attempts the sweep set. Ctrl-C lets the running jobs finish; a second',
    'Ctrl-C quits at once (the jobs go back to the queue after the stalled interval).',
  ],
  examples: [
    'deltaclip worker --queue redis://10.0.0.5:6379',
    'deltaclip worker --queue rediss://:secret@redis.example.org:6380 --concurrency 4 --backend wasm',
    'deltaclip worker --queue redis://10.0.0.5:6379 --checkpoint-dir /shared/deltaclip-checkpoints',
  ],
};

function asUserError(message: string): UnrecoverableError {
  return new UnrecoverableError(`${USER_ERROR_PREFIX}${message}`);
}

export async function worker(argv: readonly string[], output: Output): Promise<void> {
  const { values } = parseCommand(workerCommand, argv);
  if (typeof values.queue !== 'string') {
    throw new UsageError(
      "'deltaclip worker' needs --queue redis://host:port (the Redis that 'deltaclip sweep --queue' uses)",
    );
  }
  const url = values.queue;
  const connection = redisOptions(url);
  const backendFlag = String(values.backend);
  const concurrency = Number(values.concurrency);
  const schedule = scheduleRuns(concurrency, concurrency);
  const stalledInterval = Number(values['stalled-interval']);
  const me = `${hostname()}:${process.pid}`;
  const log = (line: string) => process.stderr.write(`worker ${me}: ${line}\n`);
  const client = new Redis(connection);
  client.on('error', () => {}); // reconnects on its own; the worker reports what fails
  let processed = 0;
  const maxJobs =
    values['max-jobs'] === undefined ? Number.POSITIVE_INFINITY : Number(values['max-jobs']);
  let closing: Promise<void> | undefined;
  // Run processes kept warm between jobs (tfjs and the backend load once per process); one whose
  // run failed or crashed is closed, so a failure leaves nothing (a checkpoint lock) behind.
  const idle: RunProcess[] = [];
  const takeProcess = (): RunProcess => {
    for (let p = idle.pop(); p !== undefined; p = idle.pop()) {
      if (p.usable) return p;
    }
    return startRunProcess();
  };

  // Refusals are printed from the worker's 'failed' event, which BullMQ emits once the job's
  // failure is stored: whoever reads the line can then read the failed job from Redis.
  const refusals = new WeakMap<Job, string>();
  const processor = async (job: Job): Promise<JobResult> => {
    const parsed = v.safeParse(JobDataSchema, job.data);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const path = (issue.path ?? []).map((p) => String(p.key)).join('.');
      refusals.set(
        job,
        `refused job ${job.id}: not a deltaclip sweep run (${path || 'data'}: ${issue.message})`,
      );
      throw asUserError(
        `job ${job.id} is not a deltaclip sweep run (${path || 'data'}: ${issue.message}); jobs carry {sweepId, index, label, options or spec}`,
      );
    }
    const data: JobData = parsed.output;
    const problem = jobShapeProblem(data);
    if (problem !== null) {
      refusals.set(job, `refused job ${job.id}: not a deltaclip sweep run (${problem})`);
      throw asUserError(`job ${job.id} is not a deltaclip sweep run (${problem})`);
    }
    if ((await client.exists(cancelKey(data.sweepId))) === 1) {
      throw asUserError(`sweep ${data.sweepId} was cancelled`);
    }
    let spec: Awaited<ReturnType<typeof runSpecFromOptions>>['spec'];
    try {
      ({ spec } =
        data.spec !== undefined
          ? await runSpecFromJob(data.spec, `job ${job.id}:`)
          : await runSpecFromOptions(data.options, `job ${job.id}:`));
    } catch (error) {
      if (isUserError(error)) {
        refusals.set(job, `refused job ${job.id}: ${(error as Error).message}`);
        throw asUserError((error as Error).message);
      }
      throw error;
    }
    const backend = backendFlag !== 'auto' ? backendFlag : (data.backend ?? 'auto');
    const attempt = job.attemptsStarted;
    log(`took job ${job.id} (run ${data.index + 1}: ${data.label}, attempt ${attempt})`);
    let lastProgress = 0;
    const proc = takeProcess();
    const done = proc.run(
      {
        index: data.index,
        spec,
        backend,
        threads: schedule.threads,
        ...(typeof values['checkpoint-dir'] === 'string'
          ? { checkpointDir: join(values['checkpoint-dir'], data.sweepId, `run-${data.index}`) }
          : {}),
        ...(values['checkpoint-every'] !== undefined
          ? { checkpointEvery: Number(values['checkpoint-every']) }
          : {}),
      },
      {
        onProgress: (_i, step, totalSteps, loss) => {
          const now = Date.now();
          if (now - lastProgress < 500) return;
          lastProgress = now;
          log(`job ${job.id}: step ${step}/${totalSteps}`);
          void job
            .updateProgress({ step, totalSteps, ...(loss === undefined ? {} : { loss }) })
            .catch(() => {});
        },
      },
    );
    try {
      const result = await done;
      idle.push(proc);
      log(
        `finished job ${job.id} in ${result.seconds.toFixed(2)} s${result.resumedFrom !== undefined ? ` (resumed from step ${result.resumedFrom})` : ''}`,
      );
      return { ...result, worker: me };
    } catch (error) {
      proc.close();
      if (error instanceof RunFailedError && error.userError) {
        log(`job ${job.id} failed (user error): ${error.message}`);
        throw asUserError(`${error.errorName}: ${error.message}`);
      }
      const e = error as RunFailedError;
      log(`job ${job.id} crashed: ${e.message}`);
      throw new Error(`${e.errorName ?? e.name}: ${e.message}`);
    } finally {
      processed += 1;
      if (processed >= maxJobs && closing === undefined) closing = queueWorker.close();
    }
  };

  const queueWorker = new Worker(QUEUE_NAME, processor, {
    connection,
    concurrency,
    // A killed worker stops renewing its lock: after lockDuration its job counts as stalled and
    // the next stalled check (every stalledInterval, in every live worker) puts it back.
    lockDuration: stalledInterval,
    stalledInterval,
    maxStalledCount: 2,
    autorun: false,
  });
  queueWorker.on('error', (error) => log(`queue error: ${error.message}`));
  queueWorker.on('failed', (job) => {
    const refusal = job === undefined ? undefined : refusals.get(job);
    if (refusal !== undefined) log(refusal);
  });
  await queueWorker.waitUntilReady();
  log(
    `waiting for jobs on ${redactUrl(url)} (concurrency ${concurrency}: ${scheduleText(schedule)}; stalled interval ${stalledInterval} ms)`,
  );
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    log('stopping after the running jobs (Ctrl-C again to quit now)');
    closing ??= queueWorker.close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await queueWorker.run();
    await closing;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    client.disconnect();
    for (const p of idle.splice(0)) p.close();
  }
  log(`stopped after ${processed} job${processed === 1 ? '' : 's'}`);
  if (output.json) output.result({ worker: me, processed });
}
