/**
 * The optimizer conformance suite (including the no-host-read check of applyGradients) on tfjs's
 * own WebGL backend, with only @deltaclip/core: in headless Chromium, WebGL2 renders through ANGLE
 * on SwiftShader (software Vulkan), float32 render targets included, so this is the same backend
 * code a user's GPU runs, slowly.
 */
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deltaGClip } from '../../src/index.js';
import { countBackendReads } from '../../src/testing/backend-reads.js';
import { describeOptimizerConformance } from '../../src/testing/conformance.js';
import { CONFORMANCE_SUBJECTS } from '../conformance-subjects.js';

await tf.setBackend('webgl');
await tf.ready();

describe('the webgl backend under test', () => {
  it('is tfjs-backend-webgl on WebGL2 with float32 textures', () => {
    expect(tf.getBackend()).toBe('webgl');
    expect(tf.env().getNumber('WEBGL_VERSION')).toBe(2);
    expect(tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')).toBe(true);
  });

  it('runs a δ-GClip step of 1M parameters without a host read', async () => {
    const w = tf.variable(tf.randomNormal([1000, 1000], 0, 1, 'float32', 1));
    const g = tf.mul(w, 10); // ||g|| = 10 ||w|| ~ 1e4 > gamma/delta: the floored regime.
    const optimizer = deltaGClip({ learningRate: 0.1, gamma: 1, delta: 0.01 });
    const before = w.dataSync().slice(0, 4);
    optimizer.applyGradients({ [w.name]: g }); // compile the shaders outside the count
    const reads = await countBackendReads(() => {
      optimizer.applyGradients({ [w.name]: g });
    });
    expect(reads).toEqual({ sync: 0, async: 0 });
    // Two floored steps: w <- w - 2 * eta * delta * g = w (1 - 2 * 0.1 * 0.01 * 10).
    const after = w.dataSync().slice(0, 4);
    for (let i = 0; i < 4; i++) expect(after[i]).toBeCloseTo(before[i]! * (1 - 0.02), 5);
    tf.dispose([w, g]);
    optimizer.dispose();
  });
});

for (const subject of CONFORMANCE_SUBJECTS) {
  describeOptimizerConformance({ ...subject, name: `${subject.name} (webgl)` });
}
