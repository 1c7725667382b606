/**
 * The backends the CLI can run on, imported statically: the --backend flag maps to adapter
 * objects here, and nothing is looked up by package name at run time.
 */
import {
  type BackendAdapter,
  cpuBackend,
  type SelectedBackend,
  useBackend,
} from '@deltaclip/backend';
import { nodeBackend, nodeGpuBackend } from '@deltaclip/backend-node-gpu';
import { wasmBackend } from '@deltaclip/backend-wasm';
import { UsageError } from './args.js';

/** Every adapter the CLI ships, slowest first (as `doctor` lists them; `auto` goes by rank). */
export const BACKENDS: readonly BackendAdapter[] = [
  cpuBackend,
  wasmBackend,
  nodeBackend,
  nodeGpuBackend,
];

/** The values of --backend. */
export const BACKEND_CHOICES = ['auto', ...BACKENDS.map((b) => b.name)] as const;

/**
 * Makes the backend named by --backend active: one adapter, or `auto` over all of them. `threads`
 * is the run's share of the cores (scheduling.ts), for the backends that compute with threads.
 */
export function selectBackend(choice: string, threads?: number): Promise<SelectedBackend> {
  const options = threads === undefined ? {} : { threads };
  if (choice === 'auto') return useBackend('auto', { candidates: BACKENDS, ...options });
  const adapter = BACKENDS.find((b) => b.name === choice);
  if (adapter === undefined) {
    throw new UsageError(
      `backend must be one of ${BACKEND_CHOICES.map((c) => `'${c}'`).join(', ')} (got ${JSON.stringify(choice)})`,
    );
  }
  return useBackend(adapter, options);
}
