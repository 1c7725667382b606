/**
 * The conformance suite on tfjs-backend-webgpu, where the browser has a WebGPU adapter. Headless
 * Chromium has no `navigator.gpu` (and Debian 12's Vulkan is too old for Dawn), so on these
 * machines the suite is skipped, and its title says why.
 */
import * as tf from '@tensorflow/tfjs-core';
// After tfjs-core's entry, whose flags the registration reads.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { describe, it } from 'vitest';
import { describeOptimizerConformance } from '../../src/testing/conformance.js';
import { CONFORMANCE_SUBJECTS } from '../conformance-subjects.js';

async function webgpuMissing(): Promise<string | undefined> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return 'navigator.gpu is absent (headless Chromium exposes no WebGPU)';
  if ((await gpu.requestAdapter()) === null)
    return 'navigator.gpu.requestAdapter() gave no adapter';
  return undefined;
}

const missing = await webgpuMissing();
if (missing === undefined) {
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
  await tf.ready();
  for (const subject of CONFORMANCE_SUBJECTS) {
    describeOptimizerConformance({ ...subject, name: `${subject.name} (webgpu)` });
  }
} else {
  describe.skip(`webgpu conformance: skipped, ${missing}`, () => {
    it('needs a WebGPU adapter', () => {});
  });
}
