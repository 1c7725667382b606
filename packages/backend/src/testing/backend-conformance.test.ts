import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../adapters/cpu.js';
import { float64MlpLossCurve } from '../workloads/float64-mlp.js';
import { referenceMlpSetup } from '../workloads/reference-training.js';
import {
  describeBackendConformance,
  FLOAT32_MLP_TOLERANCE,
  maxRelativeDifference,
} from './backend-conformance.js';

// The suite on the embedded cpu backend: its MLP against float64 JavaScript.
await describeBackendConformance({ backend: cpuBackend });

describe('maxRelativeDifference', () => {
  it('is the largest step-wise relative gap', () => {
    expect(maxRelativeDifference([1, 2, 4], [1, 2.2, 4])).toBeCloseTo(0.2 / 2.2, 12);
    expect(maxRelativeDifference([1, Number.NaN], [1, 1])).toBeNaN();
    expect(() => maxRelativeDifference([1], [1, 2])).toThrow('curves differ in length (1 vs 2)');
  });
});

describe('the float64 reference check', () => {
  it('fails for a backend whose step size is off by 0.1%', () => {
    const { problem, deltaGClip } = referenceMlpSetup();
    const exact = float64MlpLossCurve(problem, deltaGClip, 50);
    const off = float64MlpLossCurve(
      problem,
      { ...deltaGClip, learningRate: deltaGClip.learningRate * 1.001 },
      50,
    );
    expect(maxRelativeDifference(off, exact)).toBeGreaterThan(100 * FLOAT32_MLP_TOLERANCE);
  });
});
