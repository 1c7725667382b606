import { describe, expect, it } from 'vitest';
import { registerCpuKernels } from '../internal.js';
import { describeOptimizerKernels } from '../testing/optimizer-kernels.js';
import { sumOfSquaresF64 } from './sum-of-squares.js';

registerCpuKernels();

describe('sumOfSquaresF64 (the cpu kernel, also the wasm fallback without SIMD)', () => {
  it('matches a float64 sum, NaN and Infinity included', () => {
    const values = Float32Array.from({ length: 1003 }, (_, i) => Math.sin(i) * (i % 7));
    let expected = 0;
    for (const v of values) expected += v * v;
    expect(sumOfSquaresF64(values)).toBeCloseTo(expected, 9);
    expect(sumOfSquaresF64([1, 2, Number.NaN])).toBeNaN();
    expect(sumOfSquaresF64([1, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    expect(sumOfSquaresF64([])).toBe(0);
  });
});

describeOptimizerKernels('cpu');
