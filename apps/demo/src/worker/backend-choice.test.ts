import { type BackendAdapter, type BackendInfo, BackendUnavailableError } from '@deltaclip/backend';
import { describe, expect, it } from 'vitest';
import { chooseBackend } from './backend-choice.js';
import { webgl2Available, webglBackend } from './webgl-backend.js';

function fake(name: string, ok: boolean, reason = `${name} is missing`): BackendAdapter {
  return {
    name,
    load: async () => {
      if (!ok) throw new BackendUnavailableError(name, reason, []);
    },
    info: () =>
      ({
        name,
        variant: name === 'webgl' ? 'webgl2' : 'simd',
        threads: 1,
        simd: name === 'wasm',
        devices: [name === 'webgl' ? 'gpu' : 'cpu'],
      }) as unknown as BackendInfo,
  } as unknown as BackendAdapter;
}

const use = async (a: BackendAdapter) => {
  await a.load();
  return a.info();
};

describe('backend choice', () => {
  it('trains on WebGL2 where it starts, and says it runs on the GPU', async () => {
    const b = await chooseBackend(
      'webgl',
      { webgl: fake('webgl', true), wasm: fake('wasm', true), cpu: fake('cpu', true) },
      use,
    );
    expect(b).toMatchObject({ name: 'webgl', variant: 'webgl2', gpu: true, fallback: null });
  });

  it('falls back from WebGL to WASM with the reason', async () => {
    const b = await chooseBackend(
      'webgl',
      {
        webgl: fake('webgl', false, 'WebGL2 is not available in this browser'),
        wasm: fake('wasm', true),
        cpu: fake('cpu', true),
      },
      use,
    );
    expect(b).toMatchObject({
      name: 'wasm',
      gpu: false,
      fallback: 'WebGL2 is not available in this browser: training on WASM instead',
    });
  });

  it('keeps auto on WASM (cpu where WASM cannot start), and wasm strict', async () => {
    const broken = {
      webgl: fake('webgl', true),
      wasm: fake('wasm', false),
      cpu: fake('cpu', true),
    };
    expect((await chooseBackend('auto', broken, use)).fallback).toBe(
      'WASM could not start (wasm is missing); training on the cpu backend',
    );
    await expect(chooseBackend('wasm', broken, use)).rejects.toThrow('wasm is missing');
    expect((await chooseBackend('cpu', broken, use)).name).toBe('cpu');
  });

  it('finds no WebGL2 in Node, and its adapter says so with the fix', async () => {
    expect(webgl2Available()).toEqual({
      ok: false,
      reason: 'WebGL2 is not available here (no OffscreenCanvas)',
    });
    const a = await webglBackend.availability();
    expect(a.available).toBe(false);
    await expect(webglBackend.load()).rejects.toThrow(
      "Backend 'webgl' is not available: WebGL2 is not available here (no OffscreenCanvas)",
    );
  });
});
