import type { ChildProcess } from 'node:child_process';
import type { RunSpec } from '@deltaclip/train';
import { RunFailedError, type RunnerProgress, runInChild } from '../runner.js';
import type { RunRecord } from './records.js';
import type { SweepRun } from './spec.js';

/**
 * The embedded default: every run in its own child process, `workers` at a time. A failed run
 * does not stop the others; it becomes a failed record. With `stopOnFailure` (a comparison, which
 * needs every run) the first failure stops the running ones and is thrown as its RunFailedError.
 */
export async function runLocalPool(
  runs: readonly { run: SweepRun; spec: RunSpec }[],
  options: {
    workers: number;
    backend: string;
    onProgress?: RunnerProgress;
    onRecord?: (record: RunRecord) => void;
    signal?: AbortSignal;
    stopOnFailure?: boolean;
  },
): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const children = new Set<ChildProcess>();
  let failure: unknown;
  const abort = () => {
    for (const child of children) child.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', abort);
  let next = 0;
  const stopped = () => options.signal?.aborted === true || failure !== undefined;
  const lane = async () => {
    while (next < runs.length && !stopped()) {
      const { run, spec } = runs[next++]!;
      const { child, done } = runInChild(
        { index: run.index, spec, backend: options.backend },
        options.onProgress ? { onProgress: options.onProgress } : {},
      );
      children.add(child);
      let record: RunRecord;
      try {
        record = { run, status: 'done', result: await done, worker: 'local', attempts: 1 };
      } catch (error) {
        const e = error as RunFailedError;
        if (options.stopOnFailure) {
          if (failure === undefined) {
            failure = error;
            abort();
          }
          break;
        }
        record = {
          run,
          status: 'failed',
          error: {
            name: e instanceof RunFailedError ? e.errorName : 'Error',
            message: e.message,
            userError: e instanceof RunFailedError ? e.userError : false,
          },
          worker: 'local',
          attempts: 1,
        };
      } finally {
        children.delete(child);
      }
      if (stopped()) break;
      records.push(record);
      options.onRecord?.(record);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(options.workers, runs.length)) }, lane),
    );
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  // An interrupted plan ends quietly; a child killed by it is not the failure to report.
  if (failure !== undefined && !options.signal?.aborted) throw failure;
  return records.sort((a, b) => a.run.index - b.run.index);
}
