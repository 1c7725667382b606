/**
 * tfjs-backend-webgl as a @deltaclip/backend adapter, for the playground's worker: it trains on
 * the GPU through WebGL2 on an OffscreenCanvas. deltaclip has no fused kernels for WebGL, so
 * core's optimizers take their generic tfjs paths (a dot product for the squared norm).
 */
import {
  type Availability,
  BACKEND_SPEC_VERSION,
  type BackendAdapter,
  BackendUnavailableError,
} from '@deltaclip/backend';
import * as tf from '@tensorflow/tfjs-core';

const FIX = [
  'use a browser with WebGL2 in workers (current Chrome, Edge, Firefox or Safari 17+), with hardware acceleration on',
  'or choose the wasm backend',
] as const;

/** Whether this realm can make a WebGL2 context (a worker has only OffscreenCanvas). */
export function webgl2Available(): { ok: true } | { ok: false; reason: string } {
  if (typeof OffscreenCanvas === 'undefined') {
    return { ok: false, reason: 'WebGL2 is not available here (no OffscreenCanvas)' };
  }
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (gl === null) return { ok: false, reason: 'WebGL2 is not available in this browser' };
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      reason: `WebGL2 could not start (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

async function availability(): Promise<Availability> {
  const gl = webgl2Available();
  if (!gl.ok) return { available: false, reason: gl.reason, fix: FIX };
  await import('@tensorflow/tfjs-backend-webgl');
  return { available: true, summary: 'WebGL2 on the GPU', info: { versions: versions() } };
}

function versions(): Record<string, string> {
  return { 'tfjs-core': tf.version_core, 'tfjs-backend-webgl': tf.version_core };
}

export const webglBackend: BackendAdapter = {
  specVersion: BACKEND_SPEC_VERSION,
  name: 'webgl',
  tfBackend: 'webgl',
  packageName: '@deltaclip/demo',
  // Below wasm: for the playground's small MLPs the GPU's per-op cost outweighs its speed.
  rank: 15,
  availability,
  async load() {
    const a = await availability();
    if (!a.available) throw new BackendUnavailableError('webgl', a.reason, a.fix);
  },
  info() {
    return {
      name: 'webgl',
      tfBackend: 'webgl',
      package: '@deltaclip/demo',
      variant: 'webgl2',
      threads: 1,
      simd: false,
      devices: ['gpu'],
      versions: versions(),
    };
  },
};
