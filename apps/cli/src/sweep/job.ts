/**
 * What a queued job carries and returns. A job is data only: the sweep's id, the run's index and
 * label, and either the run's options as the CLI's own option values (a sweep file's runs) or the
 * run's whole RunSpec as JSON (compare and reproduce, which build their specs in the main
 * process). Workers check it with this schema and then with the CLI's own checks
 * (run-options.ts) before running anything.
 */
import * as v from 'valibot';

export const JobDataSchema = v.strictObject({
  sweepId: v.pipe(v.string(), v.regex(/^[\w.-]{1,100}$/)),
  index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  label: v.string(),
  options: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))),
  spec: v.optional(v.record(v.string(), v.unknown())),
  /** The backend the sweep asks for; a worker's own --backend wins when it is not `auto`. */
  backend: v.optional(v.string()),
});
export type JobData = v.InferOutput<typeof JobDataSchema>;

/** Why a job's data is not one run (both or neither of options and spec), else null. */
export function jobShapeProblem(data: JobData): string | null {
  if ((data.options === undefined) === (data.spec === undefined)) {
    return `a job carries either options or spec (got ${data.options === undefined ? 'neither' : 'both'})`;
  }
  return null;
}

/** What a worker returns through the queue (the run's outcome as JSON). */
export interface JobResult {
  readonly outcome: unknown;
  readonly backend: string;
  readonly seconds: number;
  readonly worker: string;
  readonly resumedFrom?: number;
}

/** Marks a job error message as the user's (not retried), so the sweep reports it as theirs. */
export const USER_ERROR_PREFIX = 'user error: ';
