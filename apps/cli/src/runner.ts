import { type ChildProcess, fork } from 'node:child_process';
import type { RunOutcome, RunSpec } from '@deltaclip/train';
import { scheduleRuns } from './scheduling.js';
import type { WorkerMessage, WorkerRequest } from './worker.js';

export type RunnerProgress = (
  index: number,
  step: number,
  totalSteps: number,
  loss?: number,
) => void;

export interface RunnerResult {
  readonly outcome: RunOutcome;
  readonly backend: string;
  readonly seconds: number;
  /** The step the run resumed from (a checkpoint in `checkpointDir`), else absent. */
  readonly resumedFrom?: number;
}

/**
 * A run that failed in its worker: `name` is the error class there (RangeError, ...), and
 * `userError` whether the worker judged it the user's mistake or a bug (errors.ts).
 */
export class RunFailedError extends Error {
  constructor(
    readonly index: number,
    readonly errorName: string,
    message: string,
    readonly userError: boolean,
    readonly workerStack?: string,
  ) {
    super(message);
    this.name = errorName;
  }
}

/**
 * A worker process (worker.js) that runs requests one after another. The local pool keeps one per
 * lane: tfjs, the backend and the packages load once per process, not once per run, which is most
 * of a short run's time. A run's result does not depend on the process it ran in (its variables
 * have their own names, its seeds are in its spec). `run` settles with the result or a
 * RunFailedError; a process that dies without answering (killed, out of memory) is a failure that
 * is not the user's, and takes no more runs.
 */
export interface RunProcess {
  readonly child: ChildProcess;
  /** Run one request here (one at a time). `last`: the process exits after it. */
  run(
    request: WorkerRequest,
    options?: { onProgress?: RunnerProgress; last?: boolean },
  ): Promise<RunnerResult>;
  /** Let the process exit once it has no run (it exits when its parent disconnects). */
  close(): void;
  /** Whether it can take another run. */
  readonly usable: boolean;
}

export function startRunProcess(): RunProcess {
  const script = new URL('./worker.js', import.meta.url);
  const child = fork(script, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Structured clone, not JSON: a diverged run's NaN or Infinity loss arrives as itself.
    serialization: 'advanced',
  });
  let exited = false;
  let current:
    | {
        index: number;
        onProgress?: RunnerProgress;
        resolve: (r: RunnerResult) => void;
        reject: (e: RunFailedError) => void;
      }
    | undefined;
  child.on('message', (message: WorkerMessage) => {
    const c = current;
    if (c === undefined || message.index !== c.index) return;
    if (message.type === 'progress') {
      c.onProgress?.(message.index, message.step, message.totalSteps, message.loss);
      return;
    }
    current = undefined;
    if (message.type === 'result') {
      c.resolve({
        outcome: message.outcome as RunOutcome,
        backend: message.backend,
        seconds: message.seconds,
        ...(message.resumedFrom === undefined ? {} : { resumedFrom: message.resumedFrom }),
      });
    } else {
      c.reject(
        new RunFailedError(
          c.index,
          message.name,
          message.message,
          message.userError,
          message.stack,
        ),
      );
    }
  });
  child.on('exit', (code, signal) => {
    exited = true;
    const c = current;
    current = undefined;
    c?.reject(
      new RunFailedError(
        c.index,
        'Error',
        `run ${c.index + 1} stopped without a result (${signal ? `signal ${signal}` : `exit code ${code}`})`,
        false,
      ),
    );
  });
  return {
    child,
    get usable() {
      return !exited && child.connected;
    },
    run(request, options = {}) {
      return new Promise<RunnerResult>((resolve, reject) => {
        if (current !== undefined) throw new Error('a run process takes one run at a time');
        if (exited || !child.connected) {
          reject(
            new RunFailedError(
              request.index,
              'Error',
              `run ${request.index + 1}: its worker process has exited`,
              false,
            ),
          );
          return;
        }
        current = {
          index: request.index,
          resolve,
          reject,
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        };
        child.send({ ...request, keepAlive: options.last !== true });
      });
    },
    close() {
      if (child.connected) child.disconnect();
    },
  };
}

/**
 * One run in its own fresh child process, which exits after it. `done` settles with the result or
 * a RunFailedError. `child` is there to stop it.
 */
export function runInChild(
  request: WorkerRequest,
  options: { onProgress?: RunnerProgress } = {},
): { child: ChildProcess; done: Promise<RunnerResult> } {
  const proc = startRunProcess();
  return { child: proc.child, done: proc.run(request, { ...options, last: true }) };
}

/**
 * Run specs in child processes, at most `workers` at a time (each run in its own process, so they
 * use separate cores and a crash or leak in one cannot touch the others). Results come back in the
 * order of `specs`.
 */
export async function runInWorkers(
  specs: readonly RunSpec[],
  options: { workers: number; backend: string; onProgress?: RunnerProgress; signal?: AbortSignal },
): Promise<RunnerResult[]> {
  const results: RunnerResult[] = new Array(specs.length);
  let next = 0;
  const children = new Set<ChildProcess>();
  const abort = () => {
    for (const child of children) child.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', abort);
  const { threads } = scheduleRuns(specs.length, options.workers);
  const runOne = async (index: number) => {
    const { child, done } = runInChild(
      { index, spec: specs[index]!, backend: options.backend, threads },
      options.onProgress ? { onProgress: options.onProgress } : {},
    );
    children.add(child);
    child.on('exit', () => children.delete(child));
    results[index] = await done;
  };
  const lane = async () => {
    while (next < specs.length) {
      const index = next++;
      await runOne(index);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(options.workers, specs.length)) }, lane),
    );
  } catch (error) {
    abort();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  return results;
}
