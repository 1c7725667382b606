import { describe, expect, it } from 'vitest';
import { NODE_THREADS_WASM_VERSION, wasmPlatform } from './node.js';

describe('the Node platform of the wasm adapter', () => {
  it('starts pthreads only for the tfjs-backend-wasm version its start was written against', () => {
    expect(NODE_THREADS_WASM_VERSION).toBe('4.22.0');
    expect(wasmPlatform.threadsSupported(false, '4.22.0')).toBe(true);
    expect(wasmPlatform.threadsSupported(false, '4.23.0')).toBe(false);
    expect(wasmPlatform.threadsNote('4.23.0')).toBe(
      'threads in Node need tfjs-backend-wasm 4.22.0 (installed: 4.23.0)',
    );
  });

  it('prefers the threaded build only when more than one thread is asked for', () => {
    expect(wasmPlatform.prefersThreads(undefined)).toBe(false);
    expect(wasmPlatform.prefersThreads(1)).toBe(false);
    expect(wasmPlatform.prefersThreads(2)).toBe(true);
  });

  it('leaves no global Worker and the real os.cpus() behind, even when the start fails', async () => {
    const os = await import('node:os');
    const cores = os.cpus().length;
    let seen: { worker: string; cpus: number } | undefined;
    const failed = wasmPlatform.startThreaded(3, () => {
      seen = { worker: typeof globalThis.Worker, cpus: os.default.cpus().length };
      throw new Error('factory failed');
    });
    await expect(failed).rejects.toThrow('factory failed');
    expect(seen).toEqual({ worker: 'function', cpus: 6 });
    expect('Worker' in globalThis).toBe(false);
    expect(os.default.cpus().length).toBe(cores);
  });
});
