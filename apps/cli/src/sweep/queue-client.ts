/**
 * The sweep's side of the queue: enqueue every run as a job, then wait for each to finish or
 * fail, with progress from QueueEvents and a reconciling poll that also notices what events
 * cannot tell (a Redis that restarted without persistence lost the jobs: they are enqueued again).
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { UsageError } from '../args.js';
import type { RunnerResult } from '../runner.js';
import { cancelKey, jobId, QUEUE_NAME, redactUrl, redisOptions, sweepKey } from './connection.js';
import { type JobData, type JobResult, USER_ERROR_PREFIX } from './job.js';
import type { RunRecord } from './records.js';
import type { SweepRun, SweepSpec } from './spec.js';

/** What --attach needs to rebuild a sweep: stored in Redis next to its jobs. */
export interface StoredSweep {
  readonly id: string;
  readonly sweep: SweepSpec;
  readonly runs: readonly SweepRun[];
  readonly backend: string;
  readonly attempts: number;
  readonly createdAt: string;
}

const KEEP_SECONDS = 7 * 24 * 3600;

export class QueueLostError extends UsageError {}

export interface QueueWait {
  /** Resolves with one record per run, or rejects with a QueueLostError. */
  readonly done: Promise<RunRecord[]>;
  /** Stop waiting: `cancel` removes the queued jobs and flags the sweep so workers skip it. */
  stop(how: 'cancel' | 'leave'): Promise<{ removed: number; running: number }>;
  /** Runs not finished yet. */
  pending(): number;
}

/** The queue, its events, and a plain client for the sweep's own keys (plan, cancel flag). */
export interface QueueHandle {
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly redis: Redis;
  close(): Promise<void>;
}

export async function openQueue(url: string): Promise<QueueHandle> {
  const connection = redisOptions(url);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  const redis = new Redis(connection);
  // Each reconnects on its own; waitForSweep's watchdog decides when an outage is fatal.
  queue.on('error', () => {});
  events.on('error', () => {});
  redis.on('error', () => {});
  const close = async () => {
    await Promise.allSettled([queue.close(), events.close()]);
    redis.disconnect();
  };
  await withTimeout(
    Promise.all([queue.waitUntilReady(), events.waitUntilReady(), redis.ping()]),
    10_000,
    () =>
      new UsageError(
        `cannot reach Redis at ${redactUrl(url)} within 10 s: is redis-server running there, and is the port open?`,
      ),
  );
  return { queue, events, redis, close };
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(error()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function jobOf(
  stored: StoredSweep,
  run: SweepRun,
): { name: string; data: JobData; opts: Record<string, unknown> } {
  return {
    name: 'run',
    data: {
      sweepId: stored.id,
      index: run.index,
      label: run.label,
      ...(run.spec === undefined ? { options: run.options } : { spec: { ...run.spec } }),
      backend: stored.backend,
    },
    opts: {
      jobId: jobId(stored.id, run.index),
      attempts: stored.attempts,
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    },
  };
}

export async function enqueueSweep(
  { queue, redis: client }: QueueHandle,
  stored: StoredSweep,
): Promise<void> {
  await client.set(sweepKey(stored.id), JSON.stringify(stored), 'EX', KEEP_SECONDS);
  await queue.addBulk(stored.runs.map((r) => jobOf(stored, r)) as Parameters<Queue['addBulk']>[0]);
}

export async function loadStoredSweep(
  { redis: client }: QueueHandle,
  id: string,
  url: string,
): Promise<StoredSweep> {
  // Waiting on a cancelled sweep would enqueue its removed jobs again, only for workers to refuse them.
  if ((await client.exists(cancelKey(id))) === 1) {
    throw new UsageError(
      `sweep '${id}' on ${redactUrl(url)} was cancelled: start it again from its file with 'deltaclip sweep FILE --queue ${redactUrl(url)}'`,
    );
  }
  const text = await client.get(sweepKey(id));
  if (text === null) {
    throw new UsageError(
      `no sweep '${id}' on ${redactUrl(url)}: it finished more than 7 days ago, or this Redis lost it (restarted without persistence)`,
    );
  }
  return JSON.parse(text) as StoredSweep;
}

function recordOf(run: SweepRun, job: Job, state: 'completed' | 'failed'): RunRecord {
  const attempts = Math.max(job.attemptsStarted ?? 0, job.attemptsMade ?? 0, 1);
  if (state === 'completed') {
    const r = job.returnvalue as JobResult;
    const result: RunnerResult = {
      outcome: r.outcome as RunnerResult['outcome'],
      backend: r.backend,
      seconds: r.seconds,
      ...(r.resumedFrom === undefined ? {} : { resumedFrom: r.resumedFrom }),
    };
    return { run, status: 'done', result, worker: r.worker, attempts };
  }
  const reason = job.failedReason ?? 'failed without a reason';
  const userError = reason.startsWith(USER_ERROR_PREFIX);
  const message = userError ? reason.slice(USER_ERROR_PREFIX.length) : reason;
  const colon = message.indexOf(': ');
  const name =
    colon > 0 && /^\w+$/.test(message.slice(0, colon)) ? message.slice(0, colon) : 'Error';
  return {
    run,
    status: 'failed',
    error: { name, message: name === 'Error' ? message : message.slice(colon + 2), userError },
    attempts,
  };
}

/**
 * Wait for every run of `stored` on the queue. Each run is recorded once (the first final state
 * seen); a job Redis no longer has is enqueued again. If Redis cannot be reached for
 * `lostAfterMs`, it rejects with a QueueLostError that says how to reattach.
 */
export function waitForSweep(
  { queue, events, redis: client }: QueueHandle,
  stored: StoredSweep,
  options: {
    url: string;
    pollMs?: number;
    lostAfterMs?: number;
    onProgress?: (index: number, step: number, totalSteps: number, loss?: number) => void;
    onRecord?: (record: RunRecord) => void;
    onNotice?: (line: string) => void;
  },
): QueueWait {
  const pollMs = options.pollMs ?? 1000;
  const lostAfterMs = options.lostAfterMs ?? 30_000;
  const byId = new Map(stored.runs.map((r) => [jobId(stored.id, r.index), r]));
  const records = new Map<number, RunRecord>();
  let stopped = false;
  let resolveDone!: (records: RunRecord[]) => void;
  let rejectDone!: (error: Error) => void;
  const done = new Promise<RunRecord[]>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const finish = () => {
    stopped = true;
    clearInterval(timer);
    events.removeAllListeners('completed');
    events.removeAllListeners('failed');
    events.removeAllListeners('progress');
  };
  const record = (r: RunRecord) => {
    if (records.has(r.run.index)) return; // never twice
    records.set(r.run.index, r);
    options.onRecord?.(r);
    if (records.size === stored.runs.length) {
      finish();
      resolveDone([...records.values()].sort((a, b) => a.run.index - b.run.index));
    }
  };
  const check = async (id: string, run: SweepRun) => {
    if (records.has(run.index)) return;
    const job = await Job.fromId(queue, id);
    if (job === undefined) {
      options.onNotice?.(
        `Redis no longer has job ${id} (run ${run.index + 1}): it restarted without persistence or the job was removed; enqueued it again`,
      );
      if ((await client.exists(sweepKey(stored.id))) === 0) {
        await client.set(sweepKey(stored.id), JSON.stringify(stored), 'EX', KEEP_SECONDS);
      }
      const j = jobOf(stored, run);
      await queue.add(j.name, j.data, j.opts);
      return;
    }
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') record(recordOf(run, job, state));
  };
  let lastContact = Date.now();
  let busy = false;
  const reconcile = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      for (const [id, run] of byId) {
        if (stopped) break;
        await check(id, run);
      }
      lastContact = Date.now();
    } catch {
      // Unreachable Redis: the watchdog below decides when to give up.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => {
    if (Date.now() - lastContact > lostAfterMs && !stopped) {
      finish();
      rejectDone(
        new QueueLostError(
          `lost Redis at ${redactUrl(options.url)} for more than ${Math.round(lostAfterMs / 1000)} s with ${stored.runs.length - records.size} of ${stored.runs.length} runs unfinished; the queued jobs stay there if Redis comes back: reconnect with 'deltaclip sweep --attach ${stored.id} --queue ${redactUrl(options.url)}'`,
        ),
      );
      return;
    }
    void reconcile();
  }, pollMs);
  const onFinal = ({ jobId: id }: { jobId: string }) => {
    const run = byId.get(id);
    if (run) void check(id, run).catch(() => {});
  };
  events.on('completed', onFinal);
  events.on('failed', onFinal);
  events.on('progress', ({ jobId: id, data }: { jobId: string; data: unknown }) => {
    const run = byId.get(id);
    const p = data as { step?: number; totalSteps?: number; loss?: number };
    if (run && typeof p?.step === 'number' && typeof p.totalSteps === 'number') {
      options.onProgress?.(run.index, p.step, p.totalSteps, p.loss);
    }
  });
  void reconcile();
  return {
    done,
    pending: () => stored.runs.length - records.size,
    async stop(how) {
      finish();
      if (how === 'leave') return { removed: 0, running: 0 };
      await client.set(cancelKey(stored.id), '1', 'EX', KEEP_SECONDS);
      let removed = 0;
      let running = 0;
      for (const [id, run] of byId) {
        if (records.has(run.index)) continue;
        const job = await Job.fromId(queue, id);
        if (job === undefined) continue;
        const state = await job.getState();
        if (state === 'active') running += 1;
        else if (state !== 'completed' && state !== 'failed') {
          try {
            await job.remove();
            removed += 1;
          } catch {
            // Locked: a worker took it between getState and remove.
            running += 1;
          }
        }
      }
      return { removed, running };
    },
  };
}
