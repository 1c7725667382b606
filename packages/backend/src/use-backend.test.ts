import * as tf from '@tensorflow/tfjs-core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError } from './errors.js';
import { platform } from './platform/node.js';
import { registerBackendAdapter } from './registry.js';
import { BACKEND_SPEC_VERSION, type BackendAdapter } from './spec.js';
import { useBackend } from './use-backend.js';

function fakeAdapter(overrides: Partial<BackendAdapter> & { name: string }): BackendAdapter {
  return {
    specVersion: BACKEND_SPEC_VERSION,
    tfBackend: 'cpu',
    packageName: 'fake-package',
    rank: 0,
    availability: async () => ({ available: true, summary: 'fake' }),
    load: async () => {},
    info: () => ({
      name: overrides.name,
      tfBackend: overrides.tfBackend ?? 'cpu',
      package: 'fake-package',
      variant: 'fake',
      threads: 1,
      simd: false,
      devices: ['cpu'],
      versions: { 'tfjs-core': tf.version_core },
    }),
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<BackendUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendUnavailableError);
  return error as BackendUnavailableError;
}

// The adapter packages are not dependencies of this package, but under `pnpm test` NODE_PATH
// (set by pnpm's bin shims) reaches its whole virtual store; pretend they are not installed.
// (test/plain-node.test.ts runs the real lookup in a plain node process.)
beforeEach(() => {
  const original = platform.importPackage;
  vi.spyOn(platform, 'importPackage').mockImplementation(async (specifier) =>
    specifier.startsWith('@deltaclip/backend-') ? undefined : original(specifier),
  );
  return () => vi.restoreAllMocks();
});

describe('useBackend', () => {
  it('sets the cpu backend and describes it', async () => {
    const info = await useBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info).toMatchObject({
      name: 'cpu',
      tfBackend: 'cpu',
      package: '@deltaclip/backend',
      variant: 'javascript',
      threads: 1,
      simd: false,
      devices: ['cpu'],
      requested: 'cpu',
      reason: "requested 'cpu'",
      skipped: [],
    });
    expect(info.versions).toEqual({ 'tfjs-core': '4.22.0', 'tfjs-backend-cpu': '4.22.0' });
    expect(tf.getKernel('DeltaClipGuardedAxpy', 'cpu')).toBeDefined();
    expect(tf.getKernel('DeltaClipSumOfSquares', 'cpu')).toBeDefined();
  });

  it('rejects unknown names with a RangeError listing the valid ones', async () => {
    await expect(useBackend('gpu')).rejects.toThrow(
      new RangeError(
        `backend must be one of 'auto', 'cpu', 'wasm', 'node', 'node-gpu' (got "gpu")`,
      ),
    );
    await expect(useBackend(42 as never)).rejects.toThrow(RangeError);
  });

  it('names the missing adapter package, the install command, CUDA/cuDNN and the download variables', async () => {
    const error = await rejection(useBackend('node-gpu'));
    expect(error.backend).toBe('node-gpu');
    expect(error.reason).toBe('@deltaclip/backend-node-gpu is not installed');
    expect(error.fix[0]).toBe(
      'npm install @deltaclip/backend-node-gpu @tensorflow/tfjs-node-gpu@4.22.0',
    );
    expect(error.message).toMatch(
      /^Backend 'node-gpu' is not available: @deltaclip\/backend-node-gpu is not installed\nTo fix it:\n {2}- npm install/,
    );
    expect(error.message).toContain('CUDA 11.2 and cuDNN 8.1');
    expect(error.message).toContain('TFJS_NODE_CDN_STORAGE');
    expect(error.message).toContain('TFJS_NODE_BASE_URI');
    expect(error.message).not.toMatch(/\n\s+at /); // no stack trace
    const wasm = await rejection(useBackend('wasm'));
    expect(wasm.reason).toBe('@deltaclip/backend-wasm is not installed');
    expect(wasm.fix).toEqual([
      'npm install @deltaclip/backend-wasm @tensorflow/tfjs-backend-wasm@4.22.0',
    ]);
  });

  it('refuses an adapter of another spec version', () => {
    const future = {
      ...fakeAdapter({ name: 'future' }),
      specVersion: 2,
    } as unknown as BackendAdapter;
    expect(() => registerBackendAdapter(future)).toThrow(
      "adapter 'future' implements backend spec version 2, but @deltaclip/backend implements version 1",
    );
  });

  it('turns a backend that tfjs cannot initialize into an error carrying the cause', async () => {
    tf.registerBackend('broken-for-test', () => {
      throw new Error('no device here');
    });
    const error = await rejection(
      useBackend(fakeAdapter({ name: 'broken', tfBackend: 'broken-for-test' })),
    );
    expect(error.reason).toContain("tfjs could not initialize its 'broken-for-test' backend");
    expect(error.reason).toContain('no device here');
    await useBackend('cpu');
  });

  it('rejects an adapter that says it is unavailable, with its reason and fix', async () => {
    const adapter = fakeAdapter({
      name: 'absent',
      availability: async () => ({ available: false, reason: 'it is absent', fix: ['install it'] }),
    });
    const error = await rejection(useBackend(adapter));
    expect(error.message).toBe(
      "Backend 'absent' is not available: it is absent\nTo fix it:\n  - install it",
    );
  });
});

describe("useBackend('auto')", () => {
  it('picks the fastest available backend and says which faster ones were skipped and why', async () => {
    registerBackendAdapter(
      fakeAdapter({
        name: 'fast-but-absent',
        rank: 100,
        availability: async () => ({ available: false, reason: 'no such device', fix: [] }),
      }),
    );
    registerBackendAdapter(
      fakeAdapter({
        name: 'fast-but-failing',
        rank: 90,
        load: async () => {
          throw new BackendUnavailableError('fast-but-failing', 'driver crashed', ['reboot']);
        },
      }),
    );
    registerBackendAdapter(fakeAdapter({ name: 'medium', rank: 25 }));
    const info = await useBackend('auto');
    expect(info.name).toBe('medium');
    expect(info.requested).toBe('auto');
    expect(info.skipped.map((s) => [s.name, s.reason])).toEqual([
      ['fast-but-absent', 'no such device'],
      ['fast-but-failing', 'driver crashed'],
      ['node-gpu', '@deltaclip/backend-node-gpu is not installed'],
      ['node', '@deltaclip/backend-node-gpu is not installed'],
    ]);
    expect(info.reason).toBe(
      'medium is the fastest backend available here; not available: fast-but-absent (no such device), fast-but-failing (driver crashed), node-gpu (@deltaclip/backend-node-gpu is not installed), node (@deltaclip/backend-node-gpu is not installed)',
    );
    expect(tf.getBackend()).toBe('cpu');
  });
});
