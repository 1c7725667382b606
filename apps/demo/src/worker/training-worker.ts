/**
 * The module worker that trains: it sets up the WASM backend (threaded SIMD where the page is
 * cross-origin isolated; the cpu backend as a fallback) and hands every message to a Trainer.
 */
import { cpuBackend, useBackend } from '@deltaclip/backend';
import { wasmBackend } from '@deltaclip/backend-wasm';
import type { BackendSetting } from '../state/settings.js';
import type { BackendSummary, FromWorker, ToWorker } from './protocol.js';
import { errorText, Trainer } from './trainer.js';

const scope = globalThis as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage:
    | ((event: MessageEvent<ToWorker | { type: 'backend'; backend: BackendSetting }>) => void)
    | null;
};

// A MessageChannel round trip is a macrotask without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
const deferred: (() => void)[] = [];
channel.port1.onmessage = () => deferred.shift()?.();

const trainer = new Trainer({
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  defer: (f) => {
    deferred.push(f);
    channel.port2.postMessage(null);
  },
  now: () => performance.now(),
});

async function startBackend(choice: BackendSetting): Promise<BackendSummary> {
  let fallback: string | null = null;
  if (choice !== 'cpu') {
    try {
      const b = await useBackend(wasmBackend);
      return { name: b.name, variant: b.variant, threads: b.threads, simd: b.simd, fallback };
    } catch (error) {
      if (choice === 'wasm') throw error;
      fallback = `WASM could not start (${errorText(error)}); training on the cpu backend`;
    }
  }
  const b = await useBackend(cpuBackend);
  return { name: b.name, variant: b.variant, threads: b.threads, simd: b.simd, fallback };
}

let backend: Promise<void> | null = null;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'backend') {
    // The first message: which backend to start (a worker keeps its backend for life).
    backend = startBackend(message.backend).then(
      (summary) => scope.postMessage({ type: 'backend', backend: summary }),
      (error: unknown) =>
        scope.postMessage({
          type: 'error',
          runId: -1,
          message: `No backend could start: ${errorText(error)}`,
        }),
    );
    return;
  }
  void (backend ?? Promise.resolve()).then(() => trainer.receive(message));
};
