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
 * One run in its own child process (worker.js). `done` settles with the result or a
 * RunFailedError; a child that dies without answering (killed, out of memory) is a failure that is
 * not the user's. `child` is there to stop it.
 */
export function runInChild(
  request: WorkerRequest,
  options: { onProgress?: RunnerProgress } = {},
): { child: ChildProcess; done: Promise<RunnerResult> } {
  const script = new URL('./worker.js', import.meta.url);
  const child = fork(script, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Structured clone, not JSON: a diverged run's NaN or Infinity loss arrives as itself.
    serialization: 'advanced',
  });
  const { index } = request;
  const done = new Promise<RunnerResult>((resolve, reject) => {
    let settled = false;
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        options.onProgress?.(message.index, message.step, message.totalSteps, message.loss);
      } else if (message.type === 'result') {
        settled = true;
        resolve({
          outcome: message.outcome as RunOutcome,
          backend: message.backend,
          seconds: message.seconds,
          ...(message.resumedFrom === undefined ? {} : { resumedFrom: message.resumedFrom }),
        });
      } else {
        settled = true;
        reject(
          new RunFailedError(
            index,
            message.name,
            message.message,
            message.userError,
            message.stack,
          ),
        );
      }
    });
    child.on('exit', (code, signal) => {
      if (!settled) {
        reject(
          new RunFailedError(
            index,
            'Error',
            `run ${index + 1} stopped without a result (${signal ? `signal ${signal}` : `exit code ${code}`})`,
            false,
          ),
        );
      }
    });
  });
  child.send(request);
  return { child, done };
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
