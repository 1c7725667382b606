import { mkdirSync } from 'node:fs';
import { requireInteger } from '@deltaclip/utils';
import type * as tf from '@tensorflow/tfjs-core';
import type { Callback, RunContext } from '../callbacks.js';
import type { StoredTensor } from '../checkpoint-format.js';
import { cleanStaleTemporaries, saveCheckpoint } from './checkpoint.js';
import { acquireRunLock, type RunLock } from './run-lock.js';

export interface CheckpointerOptions<Run> {
  /** Directory of the run's checkpoints (created if needed). */
  readonly dir: string;
  /** The run's settings (JSON), stored so `deltaclip train --resume` can rebuild everything. */
  readonly run: Run;
  /** Also checkpoint every this many steps (default: only at epoch ends and when stopping). */
  readonly everySteps?: number;
  /** Checkpoints to keep (default 2). */
  readonly keep?: number;
  /** Called after each checkpoint is written. */
  readonly onSaved?: (path: string, step: number) => void;
  /** The backend's name, stored so a resume uses the same one. */
  readonly backend?: string;
  /** Lock take-overs and removed temporary files, one line each. */
  readonly onNotice?: (message: string) => void;
  /**
   * The run folder's lock, when the caller took it already (to hold it while it reads the
   * checkpoint it resumes from). Released like an own lock when training ends.
   */
  readonly lock?: RunLock;
}

/** Model weights (trainable and state) and optimizer weights as stored tensors. */
export async function collectTensors(
  model: RunContext['model'],
  optimizer: tf.Optimizer,
): Promise<StoredTensor[]> {
  const weights = await model.readWeights();
  const out: StoredTensor[] = weights.map((w) => ({
    group: 'model',
    name: w.name,
    dtype: 'float32',
    shape: [...w.shape],
    values: w.values,
  }));
  for (const { name, tensor } of await optimizer.getWeights()) {
    const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
    const data = await tensor.data();
    out.push({
      group: 'optimizer',
      name,
      dtype,
      shape: [...tensor.shape],
      values: dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data),
    });
  }
  return out;
}

/**
 * Writes atomic checkpoints (model, optimizer state, position, history, run settings) at every
 * epoch end, every `everySteps` steps, and when the loop stops early (Ctrl-C, maxSteps).
 */
export function checkpointer<Run>(
  options: CheckpointerOptions<Run>,
): Callback & { readonly lock: RunLock } {
  const everySteps =
    options.everySteps === undefined
      ? undefined
      : requireInteger('checkpointEvery', options.everySteps, 1);
  mkdirSync(options.dir, { recursive: true });
  // Lock first: then every temporary file left in the folder belongs to a dead writer.
  const lock =
    options.lock ??
    acquireRunLock(options.dir, options.onNotice ? { onNotice: options.onNotice } : {});
  for (const stale of cleanStaleTemporaries(options.dir)) {
    options.onNotice?.(`Removed ${stale}, left by a writer that was killed mid-write`);
  }
  const runtime = {
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(everySteps === undefined ? {} : { checkpointEvery: everySteps }),
  };
  let lastSaved = -1;
  const save = async (run: RunContext) => {
    if (run.position.step === lastSaved) return;
    await run.flushRecords();
    const path = saveCheckpoint(options.dir, {
      position: run.position,
      run: options.run,
      history: run.history,
      tensors: await collectTensors(run.model, run.optimizer),
      ...(options.keep === undefined ? {} : { keep: options.keep }),
      runtime,
    });
    lastSaved = run.position.step;
    options.onSaved?.(path, run.position.step);
  };
  return {
    lock,
    async onStepEnd(run) {
      if (everySteps && run.position.step % everySteps === 0) await save(run);
    },
    onEpochEnd: (run) => save(run),
    async onTrainEnd(run) {
      try {
        await save(run);
      } finally {
        lock.release();
      }
    },
  };
}
