/** Median of a sample. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Times of one `step` over `reps` after a two-step warm-up; every step waits for its result
 * (`sync`, a blocking read), so queued device work is counted. Browser-safe (the webgl page uses it).
 */
export function stepSamples(step: () => void, sync: () => void, reps: number): number[] {
  step();
  step();
  sync();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    step();
    sync();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Median time of one `step` (see {@link stepSamples}). */
export function timeSteps(step: () => void, sync: () => void, reps: number): number {
  return median(stepSamples(step, sync, reps));
}
