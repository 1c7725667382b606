import { availableParallelism } from 'node:os';
import { requireInteger } from '@deltaclip/utils';

/**
 * How runs share the machine: `parallel` child processes at a time, each computing with
 * `threads` threads (the wasm backend's XNNPACK pool; cpu runs one JavaScript thread whatever
 * it is given, node ignores it), so that parallel x threads never exceeds the cores.
 */
export interface RunSchedule {
  readonly runs: number;
  readonly parallel: number;
  readonly threads: number;
  readonly cores: number;
}

/**
 * k = min(workers, runs) runs at a time on c cores get max(1, floor(c / k)) threads each: two
 * runs on two cores one thread each (two threaded runs would fight over both cores), one run all of
 * them.
 */
export function scheduleRuns(
  runs: number,
  workers: number,
  cores: number = availableParallelism(),
): RunSchedule {
  requireInteger('runs', runs, 0);
  requireInteger('workers', workers, 1);
  requireInteger('cores', cores, 1);
  const parallel = Math.max(1, Math.min(workers, runs));
  return { runs, parallel, threads: Math.max(1, Math.floor(cores / parallel)), cores };
}

/** The plan as one line, e.g. `2 at a time x 1 thread each, on 2 cores`. */
export function scheduleText(schedule: RunSchedule): string {
  const { parallel, threads, cores } = schedule;
  return `${parallel} at a time x ${threads} thread${threads === 1 ? '' : 's'} each, on ${cores} core${cores === 1 ? '' : 's'}`;
}

/**
 * What doctor says about runs x threads on this machine: the threads a run gets when 1, 2, ...
 * run at a time (up to one run per core), e.g. `1 run at a time: 2 threads each; 2: 1 each`.
 */
export function scheduleSummary(cores: number = availableParallelism()): string {
  const parts: string[] = [];
  for (let k = 1; k <= Math.min(cores, 4); k++) {
    const { threads } = scheduleRuns(k, k, cores);
    parts.push(
      k === 1
        ? `1 run at a time: ${threads} thread${threads === 1 ? '' : 's'} each`
        : `${k}: ${threads} each`,
    );
  }
  return `compare/sweep threads on the wasm backend (max(1, floor(${cores} core${cores === 1 ? '' : 's'} / runs at a time))): ${parts.join('; ')}`;
}
