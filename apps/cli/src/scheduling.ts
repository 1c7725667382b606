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
