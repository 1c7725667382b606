import { fork } from 'node:child_process';
import type { RunOutcome, RunSpec } from '@deltaclip/train';
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
 * Run specs in child processes, at most `workers` at a time (each run in its own process, so they
 * use separate cores and a crash or leak in one cannot touch the others). Results come back in the
 * order of `specs`.
 */
export async function runInWorkers(
  specs: readonly RunSpec[],
  options: { workers: number; backend: string; onProgress?: RunnerProgress; signal?: AbortSignal },
): Promise<RunnerResult[]> {
  const results: RunnerResult[] = new Array(specs.length);
  const script = new URL('./worker.js', import.meta.url);
  let next = 0;
  const children = new Set<ReturnType<typeof fork>>();
  const abort = () => {
    for (const child of children) child.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', abort);
  const runOne = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const child = fork(script, [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        // Structured clone, not JSON: a diverged run's NaN or Infinity loss arrives as itself.
        serialization: 'advanced',
      });
      children.add(child);
      let settled = false;
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') {
          options.onProgress?.(message.index, message.step, message.totalSteps, message.loss);
        } else if (message.type === 'result') {
          settled = true;
          results[index] = {
            outcome: message.outcome as RunOutcome,
            backend: message.backend,
            seconds: message.seconds,
          };
          resolve();
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
        children.delete(child);
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
      const request: WorkerRequest = { index, spec: specs[index]!, backend: options.backend };
      child.send(request);
    });
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
