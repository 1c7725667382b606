import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createNodeBackend } from './node-backend.js';

/** Stands in for tfjs-node-gpu's NodeJSKernelBackend: only what the adapter reads. */
class FakeTensorflowBackend extends tf.KernelBackend {
  isUsingGpuDevice = true;
  binding = { TF_Version: '2.9.1' };
}

/** What importing tfjs-node-gpu does: register the 'tensorflow' backend and switch to it. */
async function fakeTfjsNodeGpu(): Promise<Record<string, unknown>> {
  tf.registerBackend('tensorflow', () => new FakeTensorflowBackend(), 3);
  await tf.setBackend('tensorflow');
  return { version: { 'tfjs-core': tf.version_core, 'tfjs-node': '4.22.0' } };
}

// A separate file: a loaded flavor is process state (one 'tensorflow' backend per process).
it('loads tfjs-node-gpu, describes it, keeps the active backend, and then refuses tfjs-node', async () => {
  await tf.setBackend('cpu');
  const gpu = createNodeBackend({ flavor: 'node-gpu', importer: fakeTfjsNodeGpu });
  const availability = await gpu.availability();
  expect(tf.getBackend()).toBe('cpu');
  expect(availability).toMatchObject({
    available: true,
    summary: 'libtensorflow 2.9.1 on the GPU (CUDA)',
  });
  await gpu.load();
  expect(gpu.info()).toMatchObject({
    name: 'node-gpu',
    tfBackend: 'tensorflow',
    variant: 'cuda',
    devices: ['gpu', 'cpu'],
    versions: { 'tfjs-core': '4.22.0', 'tfjs-node-gpu': '4.22.0', libtensorflow: '2.9.1' },
  });
  const cpuFlavor = createNodeBackend({ flavor: 'node', importer: async () => ({}) });
  expect(await cpuFlavor.availability()).toMatchObject({
    available: false,
    reason:
      "@tensorflow/tfjs-node-gpu is already loaded in this process and provides the 'tensorflow' backend; node and node-gpu cannot both be loaded",
  });
});
