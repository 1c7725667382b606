import type { RunSpec } from '@deltaclip/train';
import { plannedSteps } from '../kernel-choice.js';
import { runInChild } from '../runner.js';
import type { DataInfo } from '../task-options.js';
import type { SweepRun, SweepSpec } from './spec.js';

export interface PlannedRun {
  readonly run: SweepRun;
  readonly spec: RunSpec;
  readonly steps: number;
}

/** Steps a run takes: epochs x batches per epoch, capped by maxSteps. */
export function stepsOf(spec: RunSpec, data: DataInfo): number {
  return plannedSteps(spec, data.trainSize);
}

export interface Calibration {
  readonly steps: number;
  /** Process start, backend and data set-up: the wall time not spent in steps. */
  readonly startupSeconds: number;
  readonly secondsPerStep: number;
}

/**
 * Time a short piece of the first run (its first `steps` steps, in a worker process like the real
 * ones) to estimate the sweep. Per-step time is the run's own seconds over its steps, so it also
 * carries the run's set-up: an estimate on the safe side.
 */
export async function calibrate(
  planned: PlannedRun,
  steps: number,
  backend: string,
): Promise<Calibration> {
  const n = Math.max(1, Math.min(steps, planned.steps));
  const t0 = performance.now();
  const { done } = runInChild({
    index: planned.run.index,
    // Without PL* analysis: its cost depends on where the analysis points fall, not on steps.
    spec: { ...planned.spec, maxSteps: n, analysis: null },
    backend,
  });
  const result = await done;
  const wall = (performance.now() - t0) / 1000;
  return {
    steps: n,
    startupSeconds: Math.max(0, wall - result.seconds),
    secondsPerStep: result.seconds / n,
  };
}

/**
 * Wall time of the plan, `parallel` runs at a time. A process start-up is paid per run on the
 * queue (a worker forks one per job), once per worker process on the local pool (`warm`: its
 * processes take one run after another).
 */
export function estimateSeconds(
  planned: readonly PlannedRun[],
  calibration: Calibration,
  parallel: number,
  warm = false,
): number {
  const lanes = Math.max(1, Math.min(parallel, planned.length));
  const steps = planned.reduce((a, p) => a + p.steps * calibration.secondsPerStep, 0);
  const startups = warm ? lanes : planned.length;
  return (steps + startups * calibration.startupSeconds) / lanes;
}

function seconds(s: number): string {
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** The plan as text: how many runs over which axes, the base, and the estimate. */
export function planText(
  sweep: SweepSpec,
  planned: readonly PlannedRun[],
  where: string,
  parallel: number,
  calibration: Calibration | null,
  warm = false,
): string {
  const axes = sweep.axes.map((a) => `${a.name} ${a.values.length}`).join(' x ');
  const steps = planned.reduce((a, p) => a + p.steps, 0);
  const lines = [
    `Sweep '${sweep.name}': ${planned.length} runs = ${axes}, ${steps} steps in all, ${where}.`,
    ...sweep.axes.map((a) => `  ${a.name}: ${a.values.map(String).join(', ')}`),
    `  base: ${JSON.stringify(sweep.base)}`,
  ];
  if (calibration) {
    const eta = estimateSeconds(planned, calibration, parallel, warm);
    lines.push(
      `Estimated time: about ${seconds(eta)} (calibration: ${calibration.steps} steps of run 1 at ${(calibration.secondsPerStep * 1000).toFixed(1)} ms/step, ${calibration.startupSeconds.toFixed(2)} s start-up per ${warm ? 'worker process' : 'run'}, ${parallel} at a time${planned.some((p) => p.spec.analysis) ? '; PL* analysis not included' : ''}).`,
    );
  }
  return lines.join('\n');
}
