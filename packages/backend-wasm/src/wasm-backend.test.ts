import { useBackend } from '@deltaclip/backend';
import { unavailable as rejection } from '@deltaclip/backend/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './wasm-backend.js';

// In order: the build is chosen once per process, by the first load.
describe('the wasm adapter in Node', () => {
  it('says what it would run before loading: SIMD on one thread, and how to ask for more', async () => {
    expect(await wasmBackend.availability()).toEqual({
      available: true,
      summary: 'SIMD, 1 thread (threads: N runs the threaded SIMD build)',
      info: {
        variant: 'simd',
        simd: true,
        threads: 1,
        versions: { 'tfjs-core': '4.22.0', 'tfjs-backend-wasm': '4.22.0' },
      },
    });
  });

  it('refuses more than one thread on a single-threaded build, saying why', async () => {
    const error = await rejection(useBackend(wasmBackend, { wasmVariant: 'simd', threads: 2 }));
    expect(error.message).toBe(
      "Backend 'wasm' is not available: the SIMD build runs one thread (asked for threads: 2)\nTo fix it:\n  - use wasmVariant: 'threaded-simd' or 'auto', or leave threads out",
    );
  });

  it('validates its options', async () => {
    const variant = useBackend(wasmBackend, { wasmVariant: 'fast' as never });
    await expect(variant).rejects.toThrow(RangeError);
    await expect(variant).rejects.toThrow(
      `wasmVariant must be one of 'auto', 'plain', 'simd', 'threaded-simd' (got "fast")`,
    );
    const threads = useBackend(wasmBackend, { threads: 0 });
    await expect(threads).rejects.toThrow(RangeError);
    await expect(threads).rejects.toThrow('threads must be an integer >= 1 (got 0)');
  });

  it('loads the SIMD build with its kernels and describes it', async () => {
    const info = await useBackend(wasmBackend);
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toEqual({
      name: 'wasm',
      tfBackend: 'wasm',
      package: '@deltaclip/backend-wasm',
      variant: 'simd',
      threads: 1,
      simd: true,
      devices: ['cpu'],
      versions: { 'tfjs-core': '4.22.0', 'tfjs-backend-wasm': '4.22.0' },
      requested: 'wasm',
      reason: "requested 'wasm'",
      skipped: [],
    });
    for (const kernel of [
      'DeltaClipGuardedAxpy',
      'DeltaClipSumOfSquares',
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'UnsortedSegmentSum',
      'MaxPoolGrad',
    ]) {
      expect(tf.getKernel(kernel, 'wasm'), kernel).toBeDefined();
    }
  });

  it('refuses another build once started, and accepts the same one again', async () => {
    const error = await rejection(useBackend(wasmBackend, { wasmVariant: 'plain' }));
    expect(error.reason).toBe(
      'the wasm backend already runs the SIMD build; its build is chosen once, when it starts',
    );
    expect((await useBackend(wasmBackend, { wasmVariant: 'simd' })).variant).toBe('simd');
  });

  it('refuses another thread count once started, and accepts the same one again', async () => {
    const error = await rejection(useBackend(wasmBackend, { threads: 2 }));
    expect(error.message).toBe(
      "Backend 'wasm' is not available: the wasm backend already runs with threads: 1; its threads are chosen once, when it starts\nTo fix it:\n  - pass threads: 2 to the first useBackend(wasmBackend) of the process (or page)",
    );
    expect((await useBackend(wasmBackend, { threads: 1 })).threads).toBe(1);
  });
});
