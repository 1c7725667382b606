import { describeBackendConformance } from '@deltaclip/backend/testing';
import { describe, it } from 'vitest';
import { nodeBackend, nodeGpuBackend } from '../src/index.js';

/**
 * The backend conformance suite on tfjs-node-gpu or tfjs-node, where they load: set
 * DELTACLIP_TEST_NODE_GPU=1 (or DELTACLIP_TEST_NODE=1) after installing the package; see the
 * README. DELTACLIP_CONFORMANCE_TOLERANCE overrides the 1e-4 loss agreement with cpu.
 */
const flavor =
  process.env.DELTACLIP_TEST_NODE_GPU === '1'
    ? nodeGpuBackend
    : process.env.DELTACLIP_TEST_NODE === '1'
      ? nodeBackend
      : undefined;

if (flavor !== undefined) {
  await describeBackendConformance({
    backend: flavor,
    tolerance: Number(process.env.DELTACLIP_CONFORMANCE_TOLERANCE ?? 1e-4),
  });
} else {
  describe.skip('backend conformance on node-gpu / node (set DELTACLIP_TEST_NODE_GPU=1 or DELTACLIP_TEST_NODE=1)', () => {
    it('needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node installed', () => {});
  });
}
