import type { ChildProcess } from 'node:child_process';
import type { RunSpec } from '@deltaclip/train';
import { RunFailedError, type RunnerProgress, runInChild } from '../runner.js';
import { scheduleRuns } from '../scheduling.js';
import type { RunRecord } from './records.js';
import type { SweepRun } from './spec.js';

/**
 * The embedded default: every run in its own child process, `workers` at a time. Unlike
 * compare's runInWorkers a failed run does not stop the others; it becomes a failed record.
 */
export async function runLocalPool(
  runs: readonly { run: SweepRun; spec: RunSpec }[],
  options: {
    workers: number;
    backend: string;
    onProgress?: RunnerProgress;
    onRecord?: (record: RunRecord) => void;
    signal?: AbortSignal;
  },
): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const children = new Set<ChildProcess>();
  const abort = () => {
    for (const child of children) child.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', abort);
  let next = 0;
  const { threads } = scheduleRuns(runs.length, options.workers);
  const lane = async () => {
    while (next < runs.length && !options.signal?.aborted) {
      const { run, spec } = runs[next++]!;
      const { child, done } = runInChild(
        { index: run.index, spec, backend: options.backend, threads },
        options.onProgress ? { onProgress: options.onProgress } : {},
      );
      children.add(child);
      let record: RunRecord;
      try {
        record = { run, status: 'done', result: await done, worker: 'local', attempts: 1 };
      } catch (error) {
        const e = error as RunFailedError;
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
      if (options.signal?.aborted) break;
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
  return records.sort((a, b) => a.run.index - b.run.index);
}
