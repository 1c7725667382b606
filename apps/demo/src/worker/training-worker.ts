/**
 * The module worker that trains: it sets up the backend chosen (WASM, threaded SIMD where the page
 * is cross-origin isolated; WebGL2 where asked for and present; cpu as the last fallback, see
 * backend-choice.ts) and hands every message to a Trainer.
 */
import { cpuBackend, useBackend } from '@deltaclip/backend';
import { wasmBackend } from '@deltaclip/backend-wasm';
import type { BackendSetting } from '../state/settings.js';
import { chooseBackend } from './backend-choice.js';
import { FrameWait } from './frame-gate.js';
import type { BackendSummary, FromWorker, StartWorker, ToWorker } from './protocol.js';
import { errorText, Trainer } from './trainer.js';
import { webglBackend } from './webgl-backend.js';

const scope = globalThis as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker | StartWorker>) => void) | null;
};

// A MessageChannel round trip is a macrotask without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
const deferred: (() => void)[] = [];
channel.port1.onmessage = () => deferred.shift()?.();

/** The page's frame gate, when the page could share one (the first message brings it). */
let frameWait: FrameWait | null = null;

const trainer = new Trainer({
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  defer: (f) => {
    deferred.push(f);
    channel.port2.postMessage(null);
  },
  now: () => performance.now(),
  betweenSteps: () => frameWait?.wait(),
});

function startBackend(choice: BackendSetting): Promise<BackendSummary> {
  return chooseBackend(choice, { wasm: wasmBackend, webgl: webglBackend, cpu: cpuBackend }, (a) =>
    useBackend(a),
  );
}

let backend: Promise<void> | null = null;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'backend') {
    // The first message: which backend to start (a worker keeps its backend for life).
    if (message.gate !== null) frameWait = new FrameWait(message.gate, () => performance.now());
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
