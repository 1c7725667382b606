import { DeltaclipError } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from './adapters/cpu.js';
import { BackendUnavailableError } from './errors.js';
import { BACKEND_SPEC_VERSION, type BackendAdapter } from './spec.js';
import { unavailable as rejection } from './testing/unavailable.js';
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

describe('useBackend(adapter)', () => {
  it('sets the cpu backend and describes it', async () => {
    const info = await useBackend(cpuBackend);
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

  it('refuses a name, saying that adapters are passed as objects', async () => {
    await expect(useBackend('wasm' as never)).rejects.toThrow(
      new TypeError(
        `useBackend needs a backend adapter object such as cpuBackend, or 'auto' with candidates (got "wasm") (backends are no longer found by name: import the adapter, e.g. import { wasmBackend } from '@deltaclip/backend-wasm', and pass it)`,
      ),
    );
    await expect(useBackend(42 as never)).rejects.toThrow(
      new TypeError(
        `useBackend needs a backend adapter object such as cpuBackend, or 'auto' with candidates (got 42)`,
      ),
    );
  });

  it('refuses an adapter of another spec version, naming both versions', async () => {
    const future = {
      ...fakeAdapter({ name: 'future', packageName: 'future-adapter' }),
      specVersion: 2,
    } as unknown as BackendAdapter;
    const error = await rejection(useBackend(future));
    expect(error.message).toBe(
      "Backend 'future' is not available: its adapter implements backend spec version 2, but @deltaclip/backend implements version 1\nTo fix it:\n  - install matching versions of future-adapter and @deltaclip/backend",
    );
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(BackendUnavailableError.is(error) && DeltaclipError.is(error)).toBe(true);
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
    await useBackend(cpuBackend);
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

describe("useBackend('auto', { candidates })", () => {
  it('picks the fastest available candidate and says which faster ones were skipped and why', async () => {
    const loaded: string[] = [];
    const medium = fakeAdapter({
      name: 'medium',
      rank: 25,
      load: async () => {
        loaded.push('medium');
      },
    });
    const info = await useBackend('auto', {
      // Given slowest first on purpose: the order is by rank.
      candidates: [
        cpuBackend,
        medium,
        fakeAdapter({
          name: 'fast-but-absent',
          rank: 100,
          availability: async () => ({ available: false, reason: 'no such device', fix: [] }),
        }),
        fakeAdapter({
          name: 'fast-but-failing',
          rank: 90,
          load: async () => {
            throw new BackendUnavailableError('fast-but-failing', 'driver crashed', ['reboot']);
          },
        }),
        fakeAdapter({
          name: 'fast-but-broken-probe',
          rank: 80,
          availability: async () => {
            throw new Error('probe crashed\n    at somewhere');
          },
        }),
      ],
    });
    expect(info.name).toBe('medium');
    expect(loaded).toEqual(['medium']);
    expect(info.requested).toBe('auto');
    expect(info.skipped).toEqual([
      { name: 'fast-but-absent', reason: 'no such device', fix: [] },
      { name: 'fast-but-failing', reason: 'driver crashed', fix: ['reboot'] },
      { name: 'fast-but-broken-probe', reason: 'check failed: probe crashed', fix: [] },
    ]);
    expect(info.reason).toBe(
      'medium is the fastest backend available here; not available: fast-but-absent (no such device), fast-but-failing (driver crashed), fast-but-broken-probe (check failed: probe crashed)',
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('keeps the given order between candidates of one rank', async () => {
    const a = fakeAdapter({ name: 'a', rank: 5 });
    const b = fakeAdapter({ name: 'b', rank: 5 });
    expect((await useBackend('auto', { candidates: [b, a] })).name).toBe('b');
    expect((await useBackend('auto', { candidates: [a, b] })).name).toBe('a');
  });

  it('says what failed when no candidate loads', async () => {
    const error = await rejection(
      useBackend('auto', {
        candidates: [
          fakeAdapter({
            name: 'x',
            availability: async () => ({ available: false, reason: 'x is gone', fix: ['get x'] }),
          }),
        ],
      }),
    );
    expect(error.message).toBe(
      "Backend 'auto' is not available: no backend could be loaded (x: x is gone)\nTo fix it:\n  - get x",
    );
  });

  it('needs candidates, and adapters among them', async () => {
    await expect(useBackend('auto', {} as never)).rejects.toThrow(
      new TypeError(
        "useBackend('auto') needs the adapters to choose from (got candidates: undefined); pass them, e.g. useBackend('auto', { candidates: [wasmBackend, cpuBackend] })",
      ),
    );
    await expect(useBackend('auto', { candidates: [cpuBackend, 'wasm' as never] })).rejects.toThrow(
      `useBackend('auto') needs adapter objects as candidates (candidates[1] is "wasm") (backends are no longer found by name: import the adapter, e.g. import { wasmBackend } from '@deltaclip/backend-wasm', and pass it)`,
    );
  });
});
