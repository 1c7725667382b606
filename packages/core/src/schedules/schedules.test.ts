import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineSchedule,
  joinSchedules,
  linearWarmupSchedule,
  productSchedule,
  scheduleFromConfig,
  stepDecaySchedule,
} from './schedules.js';

describe('schedules', () => {
  it('constant', () => {
    expect([0, 10, 1e6].map(constantSchedule(0.5).at)).toEqual([0.5, 0.5, 0.5]);
    expect(constantSchedule().at(3)).toBe(1);
  });

  it("step decay reproduces the paper's x0.1 after epochs 100 and 150", () => {
    const s = stepDecaySchedule({ boundaries: [100, 150], unit: 'epoch', stepsPerEpoch: 98 });
    expect(s.at(0)).toBe(1);
    expect(s.at(100 * 98 - 1)).toBe(1); // last step of epoch 99
    expect(s.at(100 * 98)).toBeCloseTo(0.1, 15); // first step of epoch 100
    expect(s.at(150 * 98 - 1)).toBeCloseTo(0.1, 15);
    expect(s.at(150 * 98)).toBeCloseTo(0.01, 15);
    expect(s.at(199 * 98 + 97)).toBeCloseTo(0.01, 15);
  });

  it('step decay by steps with a custom factor', () => {
    const s = stepDecaySchedule({ boundaries: [2, 5], factor: 0.5 });
    expect([0, 1, 2, 4, 5, 9].map(s.at)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('cosine goes from 1 to alpha over decaySteps, then stays', () => {
    const s = cosineSchedule({ decaySteps: 10, alpha: 0.2 });
    expect(s.at(0)).toBe(1);
    expect(s.at(5)).toBeCloseTo(0.6, 12);
    expect(s.at(10)).toBeCloseTo(0.2, 12);
    expect(s.at(20)).toBeCloseTo(0.2, 12);
    for (let t = 1; t <= 10; t++) expect(s.at(t)).toBeLessThan(s.at(t - 1));
  });

  it('linear warm-up', () => {
    const s = linearWarmupSchedule({ warmupSteps: 4, start: 0.2 });
    expect([0, 1, 2, 4, 100].map(s.at)).toEqual([0.2, 0.4, 0.6000000000000001, 1, 1]);
  });

  it('join restarts each schedule at its boundary; product multiplies', () => {
    const s = joinSchedules(
      [linearWarmupSchedule({ warmupSteps: 2 }), cosineSchedule({ decaySteps: 4 })],
      [2],
    );
    expect(s.at(0)).toBe(0);
    expect(s.at(1)).toBe(0.5);
    expect(s.at(2)).toBe(1); // cosine at its own step 0
    expect(s.at(4)).toBeCloseTo(0.5, 12);
    const p = productSchedule(
      linearWarmupSchedule({ warmupSteps: 2 }),
      stepDecaySchedule({ boundaries: [3] }),
    );
    expect([0, 1, 2, 3].map(p.at)).toEqual([0, 0.5, 1, 0.1]);
  });

  it('round-trips through configs', () => {
    const schedules = [
      constantSchedule(2),
      stepDecaySchedule({ boundaries: [1, 3], unit: 'epoch', stepsPerEpoch: 5, factor: 0.3 }),
      cosineSchedule({ decaySteps: 7, alpha: 0.05 }),
      joinSchedules(
        [linearWarmupSchedule({ warmupSteps: 3 }), cosineSchedule({ decaySteps: 9 })],
        [3],
      ),
      productSchedule(constantSchedule(0.5), stepDecaySchedule({ boundaries: [2] })),
    ];
    for (const s of schedules) {
      const copy = scheduleFromConfig(JSON.parse(JSON.stringify(s.config)));
      for (let t = 0; t < 40; t++) expect(copy.at(t)).toBe(s.at(t));
    }
  });

  it('rejects bad settings with errors naming the value', () => {
    expect(() => stepDecaySchedule({ boundaries: [5, 3] })).toThrow(
      'boundaries must be strictly increasing (got 5 then 3 at index 1)',
    );
    expect(() => stepDecaySchedule({ boundaries: [1], unit: 'epoch' })).toThrow(
      /stepsPerEpoch is required/,
    );
    expect(() => stepDecaySchedule({ boundaries: [1], factor: -1 })).toThrow(
      'factor must be > 0 (got -1)',
    );
    expect(() => cosineSchedule({ decaySteps: 0 })).toThrow(
      'decaySteps must be an integer >= 1 (got 0)',
    );
    expect(() => cosineSchedule({ decaySteps: 5, alpha: 2 })).toThrow(
      'alpha must be in [0, 1] (got 2)',
    );
    expect(() => joinSchedules([constantSchedule()], [3])).toThrow(
      'joinSchedules needs 0 boundaries for 1 schedules (got 1)',
    );
    expect(() => scheduleFromConfig({ kind: 'exp' } as never)).toThrow(
      /Unknown schedule kind "exp"/,
    );
  });
});
