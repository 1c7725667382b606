import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { FrameGate, FrameWait } from './frame-gate.js';

describe('FrameGate and FrameWait', () => {
  it('lets the worker through at once while no frame is drawn, without reading the clock', () => {
    const gate = new FrameGate();
    let reads = 0;
    const wait = new FrameWait(gate.buffer, () => ++reads);
    wait.wait();
    gate.begin();
    gate.end();
    wait.wait();
    expect(gate.drawing).toBe(false);
    expect(reads).toBe(0);
    expect(wait.waited).toBe(0);
  });

  it('holds the worker while a frame is drawn, never longer than its bound', () => {
    const gate = new FrameGate();
    const wait = new FrameWait(gate.buffer, () => performance.now(), 20);
    gate.begin();
    expect(gate.drawing).toBe(true);
    wait.wait(); // nobody ends the frame: the bound ends the wait
    expect(wait.waited).toBeGreaterThanOrEqual(19);
    // A frame stuck past the bound costs one wait, not one per step...
    const once = wait.waited;
    for (let i = 0; i < 5; i++) wait.wait();
    expect(wait.waited).toBe(once);
    // ...until the gate has been seen open: then frames hold the worker again.
    gate.end();
    wait.wait();
    gate.begin();
    wait.wait();
    expect(wait.waited).toBeGreaterThanOrEqual(once + 19);
  });

  it('wakes a worker blocked in a frame when the page ends it', async () => {
    const gate = new FrameGate();
    gate.begin();
    // The waiter runs on another thread, as the training worker does (the same Atomics call as
    // FrameWait, written out: a worker thread cannot load this TypeScript module).
    const waiter = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const flag = new Int32Array(workerData);
       const t0 = performance.now();
       parentPort.postMessage('waiting');
       const result = Atomics.wait(flag, 0, 1, 60000);
       parentPort.postMessage({ result, ms: performance.now() - t0 });`,
      { eval: true, workerData: gate.buffer },
    );
    const done = new Promise<{ result: string; ms: number }>((resolve, reject) => {
      waiter.on('message', (m) => {
        if (m === 'waiting') gate.end();
        else resolve(m);
      });
      waiter.on('error', reject);
    });
    const { result, ms } = await done;
    await waiter.terminate();
    // 'ok': woken by end()'s notify; 'not-equal': end() had stored before the wait began.
    expect(['ok', 'not-equal']).toContain(result);
    expect(ms).toBeLessThan(60000);
    expect(gate.drawing).toBe(false);
  });
});
