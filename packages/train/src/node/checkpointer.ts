import type * as tf from '@tensorflow/tfjs-core';
import type { Callback, RunContext } from '../callbacks.js';
import type { StoredTensor } from '../checkpoint-format.js';
import { saveCheckpoint } from './checkpoint.js';

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
export function checkpointer<Run>(options: CheckpointerOptions<Run>): Callback {
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
    });
    lastSaved = run.position.step;
    options.onSaved?.(path, run.position.step);
  };
  return {
    async onStepEnd(run) {
      if (options.everySteps && run.position.step % options.everySteps === 0) await save(run);
    },
    onEpochEnd: (run) => save(run),
    onTrainEnd: (run) => save(run),
  };
}
