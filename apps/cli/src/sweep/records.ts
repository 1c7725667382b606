import type { RunnerResult } from '../runner.js';
import type { SweepRun } from './spec.js';

/** What became of one run of a sweep: each run has exactly one record, whoever ran it. */
export interface RunRecord {
  readonly run: SweepRun;
  readonly status: 'done' | 'failed';
  readonly result?: RunnerResult;
  readonly error?: { readonly name: string; readonly message: string; readonly userError: boolean };
  /** Where it ran: `local` or the queue worker's `host:pid`. */
  readonly worker?: string;
  /** How many times it was started (a crash or a killed worker starts it again). */
  readonly attempts?: number;
}
