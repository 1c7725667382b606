import type * as tf from '@tensorflow/tfjs-core';
import { SIMD_MODULE_PLAIN, SIMD_MODULE_SHARED } from './module.js';

/** The exports of src/simd/kernels.wat. Offsets are byte offsets into the backend's heap. */
export interface SimdKernels {
  sumsq(offset: number, n: number): number;
  axpy(x: number, y: number, out: number, n: number, alpha: number): void;
}

interface BackendWithMemory {
  wasm?: { asm?: { memory?: unknown } };
  getMemoryOffset(dataId: tf.DataId): number;
}

const instances = new WeakMap<object, SimdKernels | null>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * deltaclip's SIMD kernels bound to this backend's own memory, or null where they cannot run
 * (no WebAssembly SIMD in this engine, or a tfjs-backend-wasm build that does not expose its
 * memory). One tiny module instance per backend memory, compiled synchronously (469 bytes).
 */
export function simdKernelsFor(backend: unknown): SimdKernels | null {
  const b = backend as BackendWithMemory;
  const memory = b.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  let kernels: SimdKernels | null = null;
  try {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = decode(shared ? SIMD_MODULE_SHARED : SIMD_MODULE_PLAIN);
    if (WebAssembly.validate(bytes)) {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      kernels = instance.exports as unknown as SimdKernels;
    }
  } catch {
    kernels = null;
  }
  instances.set(memory, kernels);
  return kernels;
}

/** Byte offset of a tensor's data in the backend's heap. */
export function heapOffset(backend: unknown, info: tf.TensorInfo): number {
  return (backend as BackendWithMemory).getMemoryOffset(info.dataId);
}
