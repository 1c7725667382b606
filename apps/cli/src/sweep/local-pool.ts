import type { RunSpec } from '@deltaclip/train';
import {
  RunFailedError,
  type RunnerProgress,
  type RunProcess,
  startRunProcess,
} from '../runner.js';
import { scheduleRuns } from '../scheduling.js';
import type { RunRecord } from './records.js';
import type { SweepRun } from './spec.js';

/**
 * The embedded default: `workers` worker processes, each running one run after another and kept
 * warm between them (tfjs and the backend load once per process; a process whose run failed is
 * replaced, so a failure leaves nothing behind for the next run). A failed run
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
  const processes = new Set<RunProcess>();
  let failure: unknown;
  const abort = () => {
    for (const p of processes) p.child.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', abort);
  let next = 0;
  const { threads } = scheduleRuns(runs.length, options.workers);
  const stopped = () => options.signal?.aborted === true || failure !== undefined;
  const lane = async () => {
    let proc: RunProcess | undefined;
    const retire = () => {
      if (proc === undefined) return;
      proc.close();
      processes.delete(proc);
      proc = undefined;
    };
    try {
      while (next < runs.length && !stopped()) {
        const { run, spec } = runs[next++]!;
        if (proc === undefined || !proc.usable) {
          retire();
          proc = startRunProcess();
          processes.add(proc);
        }
        const record = await runOne(proc, run, spec);
        if (record === null) break;
        if (record.status === 'failed') retire();
        if (stopped()) break;
        records.push(record);
        options.onRecord?.(record);
      }
    } finally {
      retire();
    }
  };
  const runOne = async (
    proc: RunProcess,
    run: SweepRun,
    spec: RunSpec,
  ): Promise<RunRecord | null> => {
    try {
      const result = await proc.run(
        { index: run.index, spec, backend: options.backend, threads },
        options.onProgress ? { onProgress: options.onProgress } : {},
      );
      return { run, status: 'done', result, worker: 'local', attempts: 1 };
    } catch (error) {
      const e = error as RunFailedError;
      if (options.stopOnFailure) {
        if (failure === undefined) {
          failure = error;
          abort();
        }
        return null;
      }
      return {
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
