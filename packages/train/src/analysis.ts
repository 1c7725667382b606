import { createPlStarMonitor, type PlStarMonitor, type PlStarRecord } from '@deltaclip/plstar';
import { requireInteger } from '@deltaclip/utils';
import type { Callback, RunContext } from './callbacks.js';
import { analysisInputs, fullBatch } from './full-batch.js';
import type { AnalysisRecord } from './history.js';
import type { LossSpec } from './objectives.js';
import type { Task } from './task.js';

/** PL* analysis during training (see @deltaclip/plstar), as JSON. */
export interface AnalysisSpec {
  /** Analyze every this many steps (and at step 0). */
  readonly every: number;
  /**
   * Samples of the tangent kernel: 'all' (plstar's kernel-full mu), a count (default
   * min(train size, 32)), or 0 to skip it.
   */
  readonly tangentKernelSamples?: number | 'all';
  /** Power iterations for the Hessian's top eigenvalue (default 10; 0 skips it). */
  readonly hessianIterations?: number;
}

interface TelemetryReader {
  telemetry: { latest(): Promise<Parameters<PlStarMonitor['observe']>[1]> };
}

/**
 * A callback that runs a PL* monitor on the full training set every `spec.every` steps and stores
 * its records in the run's history (and passes them to `onRecord`). The monitor keeps w_0 as the
 * weights when the callback is created, so create it before restoring a checkpoint's weights.
 * Square losses get the full analysis (tangent kernel with its implied mu); other losses get the
 * trajectory mu_t, the Hessian and the distance from initialization.
 */
export function plstarCallback(
  task: Task,
  loss: LossSpec,
  spec: AnalysisSpec,
  onRecord?: (record: AnalysisRecord) => void,
): Callback & { readonly monitor: PlStarMonitor; dispose(): void } {
  const every = requireInteger('analysis.every', spec.every, 1);
  const data = fullBatch(task, loss);
  const monitor = createPlStarMonitor({
    ...analysisInputs(task, data),
    every,
    tangentKernelSamples: spec.tangentKernelSamples ?? Math.min(task.train.size, 32),
    hessianIterations: spec.hessianIterations ?? 10,
  });
  const observe = async (run: RunContext) => {
    const step = run.position.step;
    if (step % every !== 0) return;
    if (run.history.analysis.some((r) => r.step === step)) return;
    const reader = run.optimizer as unknown as Partial<TelemetryReader>;
    const telemetry = step > 0 && reader.telemetry ? await reader.telemetry.latest() : undefined;
    const record = (await monitor.observe(step, telemetry ?? undefined)) as PlStarRecord | null;
    if (record === null) return;
    const stored = record as unknown as AnalysisRecord;
    run.history.analysis.push(stored);
    onRecord?.(stored);
  };
  return {
    monitor,
    onTrainBegin: observe,
    onStepEnd: observe,
    dispose() {
      monitor.dispose();
      data.dispose();
    },
  };
}
