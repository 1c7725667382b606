/**
 * Which backend the worker trains on, for the page's choice: `auto` and `wasm` are WASM (cpu where
 * WASM cannot start under `auto`), `webgl` is WebGL2 where the browser has it and WASM otherwise,
 * `cpu` is cpu. Every fallback says why, for the status line.
 */
import type { BackendAdapter, BackendInfo } from '@deltaclip/backend';
import type { BackendSetting } from '../state/settings.js';
import type { BackendSummary } from './protocol.js';

export interface BackendAdapters {
  readonly wasm: BackendAdapter;
  readonly webgl: BackendAdapter;
  readonly cpu: BackendAdapter;
}

function errorText(error: unknown): string {
  if (error !== null && typeof error === 'object' && 'reason' in error) {
    return String((error as { reason: unknown }).reason);
  }
  return error instanceof Error ? error.message : String(error);
}

function summary(b: BackendInfo, fallback: string | null): BackendSummary {
  return {
    name: b.name,
    variant: b.variant,
    threads: b.threads,
    simd: b.simd,
    gpu: b.devices.includes('gpu'),
    fallback,
  };
}

export async function chooseBackend(
  choice: BackendSetting,
  adapters: BackendAdapters,
  use: (adapter: BackendAdapter) => Promise<BackendInfo>,
): Promise<BackendSummary> {
  const notes: string[] = [];
  if (choice === 'webgl') {
    try {
      return summary(await use(adapters.webgl), null);
    } catch (error) {
      notes.push(`${errorText(error)}: training on WASM instead`);
    }
  }
  if (choice !== 'cpu') {
    try {
      return summary(await use(adapters.wasm), notes.length > 0 ? notes.join('; ') : null);
    } catch (error) {
      if (choice === 'wasm') throw error;
      notes.push(`WASM could not start (${errorText(error)}); training on the cpu backend`);
    }
  }
  return summary(await use(adapters.cpu), notes.length > 0 ? notes.join('; ') : null);
}
