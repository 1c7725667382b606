import { describe, expect, it } from 'vitest';
import { scheduleRuns, scheduleSummary, scheduleText } from './scheduling.js';

describe('scheduleRuns', () => {
  it('gives k parallel runs on c cores max(1, floor(c / k)) threads each', () => {
    expect(scheduleRuns(4, 2, 2)).toEqual({ runs: 4, parallel: 2, threads: 1, cores: 2 });
    expect(scheduleRuns(4, 1, 2)).toEqual({ runs: 4, parallel: 1, threads: 2, cores: 2 });
    expect(scheduleRuns(6, 3, 8)).toEqual({ runs: 6, parallel: 3, threads: 2, cores: 8 });
    expect(scheduleRuns(8, 4, 2)).toEqual({ runs: 8, parallel: 4, threads: 1, cores: 2 });
  });

  it('never runs more at a time than there are runs, so fewer runs get more threads', () => {
    expect(scheduleRuns(1, 2, 2)).toEqual({ runs: 1, parallel: 1, threads: 2, cores: 2 });
    expect(scheduleRuns(2, 16, 16)).toEqual({ runs: 2, parallel: 2, threads: 8, cores: 16 });
  });

  it('never oversubscribes when the cores allow a thread per run', () => {
    for (let cores = 1; cores <= 16; cores++) {
      for (let workers = 1; workers <= cores; workers++) {
        const s = scheduleRuns(32, workers, cores);
        expect(s.parallel * s.threads).toBeLessThanOrEqual(cores);
        expect(s.parallel * (s.threads + 1)).toBeGreaterThan(cores);
      }
    }
  });

  it('refuses counts that are not integers, naming them', () => {
    expect(() => scheduleRuns(4, 0, 2)).toThrow('workers must be an integer >= 1 (got 0)');
    expect(() => scheduleRuns(4, 2, Number.NaN)).toThrow('cores must be a finite number (got NaN)');
  });

  it('summarizes the threads per run for doctor', () => {
    expect(scheduleSummary(2)).toBe(
      'compare/sweep threads on the wasm backend (max(1, floor(2 cores / runs at a time))): 1 run at a time: 2 threads each; 2: 1 each',
    );
    expect(scheduleSummary(1)).toBe(
      'compare/sweep threads on the wasm backend (max(1, floor(1 core / runs at a time))): 1 run at a time: 1 thread each',
    );
  });

  it('prints the plan', () => {
    expect(scheduleText(scheduleRuns(4, 2, 2))).toBe('2 at a time x 1 thread each, on 2 cores');
    expect(scheduleText(scheduleRuns(3, 1, 2))).toBe('1 at a time x 2 threads each, on 2 cores');
  });
});
