import { describeBackendConformance } from '@deltaclip/backend/testing';
import { describe, it } from 'vitest';
import { nodeBackend, nodeGpuBackend } from '../src/index.js';

/**
 * The backend conformance suite of @deltaclip/backend (the reference MLP against float64
 * JavaScript, the conv net and embedding model against cpu, core's optimizer conformance) on
 * tfjs-node-gpu, or on tfjs-node. It needs the package installed, so it is opt-in:
 * DELTACLIP_TEST_NODE_GPU=1 (or DELTACLIP_TEST_NODE=1); turbo passes both through (this package's
 * turbo.json). DELTACLIP_CONFORMANCE_TOLERANCE overrides the float32 tolerance of the MLP check
 * (a GPU computing in TF32 needs about 1e-2, or run with NVIDIA_TF32_OVERRIDE=0).
 */
const requested =
  process.env.DELTACLIP_TEST_NODE_GPU === '1'
    ? nodeGpuBackend
    : process.env.DELTACLIP_TEST_NODE === '1'
      ? nodeBackend
      : undefined;

const availability = requested ? await requested.availability() : undefined;

if (requested === undefined) {
  describe.skip('backend conformance on node-gpu / node: skipped, DELTACLIP_TEST_NODE_GPU=1 (or DELTACLIP_TEST_NODE=1) is not set', () => {
    it('runs where @tensorflow/tfjs-node-gpu (or tfjs-node) is installed; see the README', () => {});
  });
} else if (availability !== undefined && !availability.available) {
  describe.skip(`backend conformance on ${requested.name}: skipped, ${availability.reason}`, () => {
    it(`fix: ${availability.fix[0] ?? 'see the README'}`, () => {});
  });
} else {
  const tolerance = process.env.DELTACLIP_CONFORMANCE_TOLERANCE;
  await describeBackendConformance({
    backend: requested,
    ...(tolerance !== undefined ? { tolerance: Number(tolerance) } : {}),
  });
}
