import { describe, expect, it } from 'vitest';
import { TimeBudget } from './time-budget.js';

describe('TimeBudget', () => {
  it('is due at once, then after d·(1/share − 1) ms of rest', () => {
    const budget = new TimeBudget(0.25);
    expect(budget.due(0)).toBe(true);
    budget.spent(100, 110); // 10 ms of work: 30 ms of rest, so 25% of 40 ms
    expect(budget.due(139)).toBe(false);
    expect(budget.due(140)).toBe(true);
    budget.spent(140, 240); // a run ten times longer rests ten times longer
    expect(budget.due(539)).toBe(false);
    expect(budget.due(540)).toBe(true);
  });

  it('keeps a job whose cost grows to its share of the time', () => {
    const budget = new TimeBudget(0.05);
    let busy = 0;
    let runs = 0;
    let now = 0;
    while (now < 100_000) {
      const cost = 1 + now / 1000; // 1 ms at first, about 100 ms at the end
      budget.spent(now, now + cost);
      busy += cost;
      runs++;
      while (!budget.due(now)) now++; // the first whole millisecond it is due again
    }
    expect(busy / now).toBeLessThanOrEqual(0.05);
    expect(busy / now).toBeGreaterThan(0.049);
    expect(runs).toBeGreaterThan(100);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => new TimeBudget(0)).toThrow(
      'share must be in (0, 1] (got 0): the fraction of time allowed',
    );
    expect(() => new TimeBudget(1.5)).toThrow('(got 1.5)');
  });
});
