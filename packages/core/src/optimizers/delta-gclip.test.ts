import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  maxRelativeError,
  type ReferenceOptions,
  randomFloat32,
  referenceDeltaGClip,
  withNorm,
} from '../../test/reference.js';
import type { Schedule } from '../schedules/schedule.js';
import {
  cosineSchedule,
  joinSchedules,
  linearWarmupSchedule,
  stepDecaySchedule,
} from '../schedules/schedules.js';
import { type DeltaGClipOptions, deltaGClip, deltaGClipPerTensor, gClip } from './delta-gclip.js';

const SHAPES = [[3, 4], [5], [2, 2, 3]] as const;
const SIZES = SHAPES.map((s) => s.reduce((a, b) => a * b, 1));
let counter = 0;

function makeVariables(seed: number) {
  counter += 1;
  const init = SIZES.map((n, i) => randomFloat32(n, seed * 31 + i));
  const vars = SHAPES.map((shape, i) =>
    tf.variable(tf.tensor(Float32Array.from(init[i]!), [...shape]), true, `dg_${counter}_${i}`),
  );
  return { init, vars };
}

/**
 * A gradient sequence that visits every regime and both boundaries, for gamma = 0.625 and
 * delta = 0.125 (so gamma/delta = 5): the two boundary gradients have norms that are exact in
 * float32 (0.375^2 + 0.5^2 = 0.625^2 and 3^2 + 4^2 = 5^2).
 */
function regimeTour(seed: number, gamma: number, delta: number): Float64Array[][] {
  const random = (k: number) => SIZES.map((n, i) => randomFloat32(n, seed * 97 + k * 7 + i));
  const exact = (a: number, b: number) =>
    SIZES.map((n, i) => {
      const v = new Float64Array(n);
      if (i === 0) {
        v[0] = a;
        v[1] = b;
      }
      return v;
    });
  return [
    withNorm(random(1), 0.5 * gamma), // unclipped
    exact(0.375, 0.5), // ||g|| = gamma exactly: unclipped boundary
    withNorm(random(2), 2 * gamma), // clipped
    exact(3, 4), // ||g|| = gamma/delta exactly: clipped/floored boundary
    withNorm(random(3), (10 * gamma) / delta), // floored
    SIZES.map((n) => new Float64Array(n)), // zero gradient: no step
    withNorm(random(4), 3 * gamma), // clipped
    withNorm(random(5), 100 * gamma), // floored
    withNorm(random(6), 0.1 * gamma), // unclipped
    withNorm(random(7), 1.5 * gamma), // clipped
  ];
}

const EXPECTED_REGIMES = [
  'unclipped',
  'unclipped',
  'clipped',
  'clipped',
  'floored',
  'skipped',
  'clipped',
  'floored',
  'unclipped',
  'clipped',
];

function run(
  factory: (o: DeltaGClipOptions) => tf.Optimizer,
  options: DeltaGClipOptions,
  grads: Float64Array[][],
  seed: number,
) {
  const { init, vars } = makeVariables(seed);
  const optimizer = factory({ ...options, telemetry: { history: true } });
  for (const g of grads) {
    const named = vars.map((v, i) => ({
      name: v.name,
      tensor: tf.tensor(Float32Array.from(g[i]!), v.shape),
    }));
    optimizer.applyGradients(named);
    tf.dispose(named.map((n) => n.tensor));
  }
  const result = vars.map((v) => Array.from(v.dataSync()));
  return { init, vars, optimizer, result };
}

const disposables: { dispose(): void }[] = [];
afterEach(() => {
  for (const d of disposables.splice(0)) d.dispose();
});

function expectMatchesReference(
  factory: (o: DeltaGClipOptions) => tf.Optimizer,
  options: DeltaGClipOptions,
  reference: ReferenceOptions,
  seed: number,
) {
  const grads = regimeTour(seed, 0.625, 0.125);
  const { init, vars, optimizer, result } = run(factory, options, grads, seed);
  disposables.push(optimizer, ...vars);
  const expected = referenceDeltaGClip(init, grads, reference);
  result.forEach((actual, i) => {
    expect(maxRelativeError(actual, expected[i]!)).toBeLessThan(1e-6);
  });
  // The reference must differ from the start, or the comparison proves nothing.
  expect(maxRelativeError(init[0]!, expected[0]!)).toBeGreaterThan(1e-2);
  return optimizer;
}

describe('deltaGClip matches the float64 reference', () => {
  const base = { learningRate: 0.3, gamma: 0.625, delta: 0.125 };

  it('through every regime and both boundaries', async () => {
    const optimizer = expectMatchesReference(deltaGClip, base, base, 1);
    const records = await (optimizer as ReturnType<typeof deltaGClip>).telemetry.flush();
    expect(records.map((r) => r.regime)).toEqual(EXPECTED_REGIMES);
    records.forEach((r, t) => {
      if (r.regime === 'skipped') {
        expect(r.stepSize).toBe(0);
      } else {
        expect(r.stepSize).toBeGreaterThanOrEqual(
          Math.fround(base.learningRate * base.delta) * (1 - 1e-6),
        );
        expect(r.stepSize).toBeLessThanOrEqual(base.learningRate * (1 + 1e-6));
      }
      expect(r.step).toBe(t);
    });
    expect(await (optimizer as ReturnType<typeof deltaGClip>).telemetry.counts()).toEqual({
      unclipped: 3,
      clipped: 4,
      floored: 2,
      skipped: 1,
    });
  });

  it('with coupled weight decay (the paper code: norm from the raw gradient)', () => {
    const o = { ...base, weightDecay: 0.05 };
    expectMatchesReference(deltaGClip, o, o, 2);
  });

  it('with decoupled weight decay', () => {
    const o = { ...base, weightDecay: 0.05, decoupledWeightDecay: true };
    expectMatchesReference(deltaGClip, o, o, 3);
  });

  const schedules: [string, Schedule][] = [
    ['step decay', stepDecaySchedule({ boundaries: [3, 6], factor: 0.1 })],
    [
      'step decay by epoch',
      stepDecaySchedule({ boundaries: [2, 4], unit: 'epoch', stepsPerEpoch: 2 }),
    ],
    ['cosine', cosineSchedule({ decaySteps: 8, alpha: 0.1 })],
    [
      'warm-up then cosine',
      joinSchedules(
        [linearWarmupSchedule({ warmupSteps: 3, start: 0.2 }), cosineSchedule({ decaySteps: 6 })],
        [3],
      ),
    ],
  ];
  for (const [label, schedule] of schedules) {
    it(`with a ${label} schedule`, () => {
      expectMatchesReference(
        deltaGClip,
        { ...base, schedule },
        { ...base, schedule: (t) => schedule.at(t) },
        4,
      );
    });
  }

  it('as GClip (delta = 0): never floored', async () => {
    const optimizer = expectMatchesReference(gClip, base, { ...base, delta: 0 }, 5);
    const records = await (optimizer as ReturnType<typeof gClip>).telemetry.flush();
    expect(records.some((r) => r.regime === 'floored')).toBe(false);
  });

  it('as plain gradient descent when delta >= 1: always unclipped, h = eta', async () => {
    const o = { ...base, delta: 1 };
    const optimizer = expectMatchesReference(deltaGClip, o, o, 6);
    const records = await (optimizer as ReturnType<typeof deltaGClip>).telemetry.flush();
    for (const r of records) {
      if (r.regime !== 'skipped') {
        expect(r.regime).toBe('unclipped');
        expect(r.stepSize).toBeCloseTo(0.3, 7);
      }
    }
  });

  it('in the per-tensor variant, with coupled weight decay', () => {
    const o = { ...base, weightDecay: 0.05 };
    expectMatchesReference(deltaGClipPerTensor, o, { ...o, perTensor: true }, 7);
  });

  it('in the per-tensor variant, with decoupled weight decay and a schedule', () => {
    const schedule = stepDecaySchedule({ boundaries: [4], factor: 0.5 });
    const o = { ...base, weightDecay: 0.05, decoupledWeightDecay: true };
    expectMatchesReference(
      deltaGClipPerTensor,
      { ...o, schedule },
      { ...o, perTensor: true, schedule: (t) => schedule.at(t) },
      8,
    );
  });
});

describe('deltaGClip step size', () => {
  it('is eta * min(1, max(delta, gamma/||g||)) and continuous across both boundaries', async () => {
    const gamma = 2;
    const delta = 0.01;
    const eta = 0.5;
    const norms = [0.1, 1.999, 2, 2.001, 50, 199.9, 200, 200.1, 1e4];
    const v = tf.variable(tf.zeros([4]), true, 'dg_stepsize');
    const optimizer = deltaGClip({ learningRate: eta, gamma, delta, telemetry: { history: true } });
    for (const n of norms) {
      const g = tf.tensor1d([n, 0, 0, 0]);
      optimizer.applyGradients({ [v.name]: g });
      g.dispose();
    }
    const records = await optimizer.telemetry.flush();
    records.forEach((r, i) => {
      const n = norms[i]!;
      expect(r.gradNorm).toBeCloseTo(n, 3);
      expect(r.stepSize / (eta * Math.min(1, Math.max(delta, gamma / n)))).toBeCloseTo(1, 5);
    });
    // The update length is eta*gamma in the clipped regime and eta*delta*||g|| when floored.
    expect(records.map((r) => r.regime)).toEqual([
      'unclipped',
      'unclipped',
      'unclipped',
      'clipped',
      'clipped',
      'clipped',
      'clipped',
      'floored',
      'floored',
    ]);
    optimizer.dispose();
    v.dispose();
  });
});
