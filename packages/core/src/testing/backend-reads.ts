import * as tf from '@tensorflow/tfjs-core';

/**
 * Count reads of tensor data back to the host while `fn` runs: every `dataSync()`, `data()`,
 * `arraySync()`, `bufferSync()` goes through the engine's `read`/`readSync`. (Kernels of the cpu
 * backend read their own inputs from host memory directly; those are not syncs and not counted.)
 * A sync-free optimizer step must count 0.
 */
export interface ReadCounts {
  /** Blocking reads (dataSync, arraySync, bufferSync): each one stalls until the device is done. */
  readonly sync: number;
  /** Asynchronous reads (data, array): they wait without blocking the thread. */
  readonly async: number;
}

export async function countBackendReads(fn: () => void | Promise<void>): Promise<ReadCounts> {
  const engine = tf.engine() as unknown as {
    read: (...args: unknown[]) => unknown;
    readSync: (...args: unknown[]) => unknown;
  };
  const originalRead = engine.read;
  const originalReadSync = engine.readSync;
  let sync = 0;
  let async = 0;
  engine.read = function (this: unknown, ...args: unknown[]) {
    async++;
    return originalRead.apply(this, args);
  };
  engine.readSync = function (this: unknown, ...args: unknown[]) {
    sync++;
    return originalReadSync.apply(this, args);
  };
  try {
    await fn();
  } finally {
    engine.read = originalRead;
    engine.readSync = originalReadSync;
  }
  return { sync, async };
}
