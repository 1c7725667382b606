import { describe, expect, it } from 'vitest';
import { describeBackendConformance, maxRelativeDifference } from './backend-conformance.js';

// The suite on the embedded cpu backend (its own reference: the curves must be identical).
await describeBackendConformance({ backend: 'cpu' });

describe('maxRelativeDifference', () => {
  it('is the largest step-wise relative gap', () => {
    expect(maxRelativeDifference([1, 2, 4], [1, 2.2, 4])).toBeCloseTo(0.2 / 2.2, 12);
    expect(maxRelativeDifference([1, Number.NaN], [1, 1])).toBeNaN();
    expect(() => maxRelativeDifference([1], [1, 2])).toThrow('curves differ in length (1 vs 2)');
  });
});
