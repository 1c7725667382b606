/**
 * A ration of time for a recurring job whose cost grows (the certificate over a growing run):
 * after a run of d ms the next is due d·(1/share − 1) ms after it ended, so the job never takes
 * more than `share` of the time, whatever each run costs.
 */
export class TimeBudget {
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(readonly share: number) {
    if (!(share > 0 && share <= 1)) {
      throw new RangeError(`share must be in (0, 1] (got ${share}): the fraction of time allowed`);
    }
  }

  /** Whether the job may run at `now` (ms). */
  due(now: number): boolean {
    return now >= this.nextAt;
  }

  /** The job ran from `start` to `end` (ms). */
  spent(start: number, end: number): void {
    this.nextAt = end + Math.max(0, end - start) * (1 / this.share - 1);
  }
}
