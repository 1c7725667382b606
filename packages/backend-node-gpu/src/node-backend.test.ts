import { cpuBackend, useBackend } from '@deltaclip/backend';
import { unavailable as rejection } from '@deltaclip/backend/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createNodeBackend, nodeBackend, nodeGpuBackend } from './node-backend.js';

// On this machine neither tfjs-node nor tfjs-node-gpu is installed (their install script
// downloads libtensorflow): these are the real diagnosis paths.
describe('node and node-gpu where tfjs-node is not installed', () => {
  it('reports node-gpu unavailable: not installed, with the full fix', async () => {
    const availability = await nodeGpuBackend.availability();
    expect(availability.available).toBe(false);
    if (availability.available) return;
    expect(availability.reason).toBe('@tensorflow/tfjs-node-gpu is not installed');
    expect(availability.fix[0]).toBe(
      'npm install @deltaclip/backend-node-gpu @tensorflow/tfjs-node-gpu@4.22.0',
    );
    expect(availability.fix.join('\n')).toContain('CUDA 11.2 and cuDNN 8.1');
    expect(availability.fix.join('\n')).toContain('TFJS_NODE_CDN_STORAGE');
  });

  it('reports node unavailable the same way, without the CUDA requirement', async () => {
    const availability = await nodeBackend.availability();
    expect(availability).toMatchObject({
      available: false,
      reason: '@tensorflow/tfjs-node is not installed',
    });
  });

  it("makes useBackend('node-gpu') throw the reason and the fix, with no stack trace in the message", async () => {
    const error = await rejection(useBackend(nodeGpuBackend));
    expect(error.message.split('\n')[0]).toBe(
      "Backend 'node-gpu' is not available: @tensorflow/tfjs-node-gpu is not installed",
    );
    expect(error.message).toContain(
      '  - npm install @deltaclip/backend-node-gpu @tensorflow/tfjs-node-gpu@4.22.0',
    );
    expect(error.message).toContain('TFJS_NODE_BASE_URI');
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it("lets useBackend('auto') fall back past both, saying why", async () => {
    const info = await useBackend('auto', {
      candidates: [cpuBackend, nodeBackend, nodeGpuBackend],
    });
    expect(info.name).toBe('cpu');
    expect(info.skipped).toEqual([
      expect.objectContaining({
        name: 'node-gpu',
        reason: '@tensorflow/tfjs-node-gpu is not installed',
      }),
      expect.objectContaining({ name: 'node', reason: '@tensorflow/tfjs-node is not installed' }),
    ]);
  });

  it('turns a failing native load into a diagnosis, and leaves the active backend alone', async () => {
    await tf.setBackend('cpu');
    const adapter = createNodeBackend({
      flavor: 'node-gpu',
      importer: async () => {
        throw new Error('libcudnn.so.8: cannot open shared object file: No such file or directory');
      },
    });
    const error = await rejection(adapter.load());
    expect(error.reason).toContain('could not load the CUDA library libcudnn.so.8');
    expect(error.fix.join('\n')).toContain('CUDA 11.2 and cuDNN 8.1');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('refuses to run outside Node', async () => {
    const versions = process.versions;
    Object.defineProperty(process, 'versions', {
      value: { ...versions, node: undefined },
      configurable: true,
    });
    try {
      const adapter = createNodeBackend({ flavor: 'node', importer: async () => ({}) });
      expect(await adapter.availability()).toMatchObject({
        available: false,
        reason: '@tensorflow/tfjs-node runs in Node only',
      });
    } finally {
      Object.defineProperty(process, 'versions', { value: versions, configurable: true });
    }
  });
});
