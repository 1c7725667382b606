import { createRequire } from 'node:module';
import type { CpuInfo } from 'node:os';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The tfjs-backend-wasm whose threaded glue the Node pthread start below was written and tested against. */
export const NODE_THREADS_WASM_VERSION = '4.22.0';

/** XNNPACK's pool is capped at the 8 web workers the threaded build pre-creates. */
const MAX_THREADS = 8;

const require = createRequire(import.meta.url);
/** The `os` module object itself (an ES import is a frozen namespace), whose `cpus` is swapped below. */
const nodeOs = require('node:os') as { cpus: () => CpuInfo[] };
const PTHREAD_WORKER = fileURLToPath(new URL('./pthread-worker.cjs', import.meta.url));

function wasmOutFile(name: string): string {
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  return join(dirname(main), '..', 'wasm-out', name);
}

/**
 * The Worker class tfjs-backend-wasm's threaded glue finds as the global `Worker` while it starts.
 * The glue asks for tfjs's blob URL of emscripten's pthread script and later posts each thread
 * the main script as a Blob (the factory's source text, which in the Node bundle names rollup's
 * module variables and cannot run alone): worker_threads can start neither. Each thread is instead
 * started from pthread-worker.cjs, and is given the package's standalone glue file to load.
 */
function pthreadWorkerClass(): typeof Worker {
  const workerScript = wasmOutFile('tfjs-backend-wasm-threaded-simd.worker.js');
  const mainScript = wasmOutFile('tfjs-backend-wasm-threaded-simd.js');
  return class PthreadWorker extends Worker {
    constructor(url: string | URL, options?: WorkerOptions) {
      if (!String(url).startsWith('blob:')) {
        throw new Error(
          `@deltaclip/backend-wasm: tfjs-backend-wasm asked for a pthread worker at ${String(url)}, not its blob URL; its threaded glue is not the ${NODE_THREADS_WASM_VERSION} one this package starts in Node`,
        );
      }
      super(PTHREAD_WORKER, { ...options, workerData: { workerScript } });
      this.unref();
    }

    // A pthread computes only while the main thread blocks waiting for it, so none may keep Node
    // alive at exit (the glue refs each worker that runs a thread, and XNNPACK's never end).
    override ref(): void {}

    override postMessage(message: unknown, transferList?: readonly unknown[]): void {
      const m = message as { cmd?: unknown; urlOrBlob?: unknown } | null;
      const fixed =
        m !== null && typeof m === 'object' && m.cmd === 'load' && typeof m.urlOrBlob !== 'string'
          ? { ...m, urlOrBlob: mainScript }
          : message;
      super.postMessage(fixed, transferList as Parameters<Worker['postMessage']>[1]);
    }
  };
}

/**
 * Node: tfjs-backend-wasm's Node build reads its `.wasm` files next to its own script, so
 * nothing needs to be set. Its threaded SIMD build, which it never starts in Node, runs here by
 * {@link startThreaded}, for the tfjs-backend-wasm version that start was written against.
 */
export const wasmPlatform = {
  kind: 'node' as 'node' | 'browser',
  bundledWasmPaths(): Record<string, string> | undefined {
    return undefined;
  },

  /** Whether the threaded build can start here (tfjs's own flag says no in Node, always). */
  threadsSupported(_tfjsFlag: boolean, wasmVersion: string): boolean {
    return (
      wasmVersion === NODE_THREADS_WASM_VERSION &&
      typeof SharedArrayBuffer === 'function' &&
      typeof Atomics === 'object'
    );
  },

  /** Why the threaded build cannot start, or (when it can) how to ask for it. */
  threadsNote(wasmVersion: string): string {
    if (wasmVersion !== NODE_THREADS_WASM_VERSION) {
      return `threads in Node need tfjs-backend-wasm ${NODE_THREADS_WASM_VERSION} (installed: ${wasmVersion})`;
    }
    return 'threads: N runs the threaded SIMD build';
  },

  /**
   * Whether `auto` picks the threaded build for this thread count. In Node only when more than
   * one thread is asked for: the build starts 8 pthread workers (an isolate each) whatever the count, and
   * runs that share the machine (compare, sweep) are given their threads by whoever schedules them.
   */
  prefersThreads(threads: number | undefined): boolean {
    return threads !== undefined && threads > 1;
  },

  /** Threads when the threaded build is asked for without a count: the logical cores, at most 8. */
  defaultThreads(): number {
    return Math.min(availableParallelism(), MAX_THREADS);
  },

  /** Logical cores this process may use. */
  cores(): number {
    return availableParallelism();
  },

  /**
   * Runs tfjs-backend-wasm's backend factory (`init()`) with its threaded glue able to start
   * pthreads through worker_threads, and with `threads` threads. The glue caps XNNPACK's pool at
   * half of `os.cpus().length` (it assumes two hardware threads per core, and on a 2-core VM
   * would give 1), so while it starts, `os.cpus()` lists 2 x threads entries. Both stand-ins are
   * removed when the factory settles.
   */
  async startThreaded<T>(threads: number, factory: () => T | Promise<T>): Promise<T> {
    const workerBefore = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
    const cpusBefore = nodeOs.cpus;
    const PthreadWorker = pthreadWorkerClass();
    // The glue assigns worker_threads' Worker to the global at start; the setter keeps ours.
    Object.defineProperty(globalThis, 'Worker', {
      configurable: true,
      get: () => PthreadWorker,
      set: () => {},
    });
    nodeOs.cpus = () => {
      const real = cpusBefore();
      return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]!);
    };
    try {
      return await factory();
    } finally {
      nodeOs.cpus = cpusBefore;
      if (workerBefore === undefined) delete (globalThis as { Worker?: unknown }).Worker;
      else Object.defineProperty(globalThis, 'Worker', workerBefore);
    }
  },
};
