import { describe, expect, it } from 'vitest';
import { logStep } from './log-step.js';

const DELTA = { min: 0, max: 1, smallest: 1e-3 };
const ETA = { min: 1e-4, max: 100, smallest: 1e-4 };

function walk(start: number, direction: 1 | -1, count: number, range = DELTA): number[] {
  const out: number[] = [];
  let v = start;
  for (let i = 0; i < count; i++) {
    v = logStep(v, direction, range);
    out.push(v);
  }
  return out;
}

describe('logStep (arrow keys on eta, gamma, delta)', () => {
  it('moves delta along 1-2-5 and stops at its bounds, never 0.1 -> 1.1', () => {
    expect(walk(0.1, 1, 5)).toEqual([0.2, 0.5, 1, 1, 1]);
    expect(walk(0.1, -1, 4)).toEqual([0.05, 0.02, 0.01, 0.005]);
    // Below the smallest step, down is delta = 0 (plain GClip) and up comes back.
    expect(walk(0.002, -1, 3)).toEqual([0.001, 0, 0]);
    expect(walk(0, 1, 2)).toEqual([0.001, 0.002]);
  });

  it('goes from a value between grid points to its neighbours', () => {
    expect(logStep(0.3, 1, DELTA)).toBe(0.5);
    expect(logStep(0.3, -1, DELTA)).toBe(0.2);
    expect(logStep(0.25, 1, ETA)).toBe(0.5);
    expect(logStep(0.25, -1, ETA)).toBe(0.2);
    expect(logStep(7, 1, ETA)).toBe(10);
  });

  it('writes grid values exactly (0.2, not 0.20000000000000004) across decades', () => {
    expect(walk(1e-4, 1, 9, ETA)).toEqual([2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1]);
    expect(walk(5, 1, 6, ETA)).toEqual([10, 20, 50, 100, 100, 100]);
    // eta > 0: the walk down stops at its smallest value.
    expect(walk(2e-4, -1, 2, ETA)).toEqual([1e-4, 1e-4]);
  });

  it('treats an empty or invalid entry as the bottom of the range', () => {
    expect(logStep(Number.NaN, 1, DELTA)).toBe(0.001);
    expect(logStep(Number.NaN, -1, ETA)).toBe(1e-4);
  });
});
