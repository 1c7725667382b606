import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareData } from '../data/prepare-data.js';
import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';
import { GRID_SIZE, Race } from './race.js';

const small = (over: Partial<Settings> = {}): Settings => ({
  ...DEFAULT_SETTINGS,
  samples: 120,
  hidden: [8],
  batchSize: 16,
  evalEvery: 5,
  ...over,
});

let races: Race[] = [];
async function race(settings: Settings): Promise<Race> {
  const r = await Race.create(settings, await prepareData(settings));
  races.push(r);
  return r;
}
afterEach(() => {
  for (const r of races) r.dispose();
  races = [];
});

/** Float64 forward pass of an MLP (standard parameterization, relu hidden layers) on rows of x. */
function mlp64(
  weights: readonly { name: string; values: Float32Array; shape: readonly number[] }[],
  x: Float32Array | Int32Array,
  inputs: number,
) {
  const layers: { w: Float32Array; b: Float32Array; fanIn: number; fanOut: number }[] = [];
  for (let i = 0; ; i++) {
    const w = weights.find((v) => v.name.endsWith(`dense${i}/kernel`));
    const b = weights.find((v) => v.name.endsWith(`dense${i}/bias`));
    if (!w || !b) break;
    layers.push({ w: w.values, b: b.values, fanIn: w.shape[0]!, fanOut: w.shape[1]! });
  }
  const n = x.length / inputs;
  const out: number[][] = [];
  for (let r = 0; r < n; r++) {
    let h = Array.from(x.subarray(r * inputs, (r + 1) * inputs), Number);
    layers.forEach((l, k) => {
      const z = new Array<number>(l.fanOut).fill(0);
      for (let j = 0; j < l.fanOut; j++) {
        let s = l.b[j]!;
        for (let i = 0; i < l.fanIn; i++) s += h[i]! * l.w[i * l.fanOut + j]!;
        z[j] = k < layers.length - 1 ? Math.max(0, s) : s;
      }
      h = z;
    });
    out.push(h);
  }
  return out;
}

describe('Race', () => {
  it('starts every optimizer from the same weights and measures L_0 like a float64 reference', async () => {
    const settings = small({ optimizers: ['sgd', 'adam', 'gclip', 'dgclip'] });
    const r = await race(settings);
    const first = r.initialWeights('sgd').map((w) => Array.from(w.values));
    expect(first.length).toBeGreaterThan(0);
    for (const id of ['adam', 'gclip', 'dgclip'] as const) {
      expect(r.initialWeights(id).map((w) => Array.from(w.values))).toEqual(first);
    }
    const weights = (await r.weights()).sgd!;
    const { x, y } = r.data.train.toArrays();
    const predictions = mlp64(weights, x, 2);
    let sum = 0;
    predictions.forEach((p, i) => {
      p.forEach((v, c) => {
        sum += (v - (y[i] === c ? 1 : 0)) ** 2;
      });
    });
    const reference = sum / (predictions.length * 2);
    const update = await r.drain();
    for (const id of settings.optimizers) {
      const e0 = update.evals[id]![0]!;
      expect(e0.step).toBe(0);
      expect(e0.distance).toBe(0);
      expect(Math.abs(e0.trainLoss - reference) / reference).toBeLessThan(1e-5);
      expect(e0.mu).toBeCloseTo(e0.fullGradNorm ** 2 / (2 * e0.trainLoss), 4);
    }
  });

  it('feeds the chosen input features: L_0 as a float64 forward pass on the mapped points', async () => {
    const features = ['x1sq', 'x1x2', 'sinx2'] as const;
    const settings = small({ dataset: 'circle', features, optimizers: ['sgd'] });
    const r = await race(settings);
    expect(r.inputNames).toEqual(features);
    const weights = (await r.weights()).sgd!;
    expect(weights.find((w) => w.name.endsWith('dense0/kernel'))!.shape).toEqual([3, 8]);
    const { x, y } = r.data.train.toArrays();
    const mapped = new Float64Array((x.length / 2) * 3);
    for (let i = 0; i < x.length / 2; i++) {
      const [a, b] = [x[2 * i]!, x[2 * i + 1]!];
      mapped.set([a * a, a * b, Math.sin(b)], 3 * i);
    }
    const predictions = mlp64(weights, Float32Array.from(mapped), 3);
    let sum = 0;
    predictions.forEach((p, i) => {
      p.forEach((v, c) => {
        sum += (v - (y[i] === c ? 1 : 0)) ** 2;
      });
    });
    const reference = sum / (predictions.length * 2);
    const e0 = (await r.drain()).evals.sgd![0]!;
    expect(Math.abs(e0.trainLoss - reference) / reference).toBeLessThan(1e-5);
    // The heatmap grid goes through the same features (one output row per grid point).
    expect((await r.heatmaps())!.sgd!.length).toBe(GRID_SIZE * GRID_SIZE * 2);
  });

  it('ignores input features on sets that are not 2-D', async () => {
    const settings = small({ dataset: 'cars', features: ['x1sq'], optimizers: ['sgd'] });
    const r = await race(settings);
    expect(r.inputNames).toEqual(r.data.featureNames);
    expect(r.inputNames.length).toBeGreaterThan(2);
  });

  it('applies weight decay as lambda/2 ||kernels||^2 in the loss: one SGD step shrinks kernels by eta*lambda*w_0, biases untouched', async () => {
    const eta = 0.5;
    const lambda = 0.2;
    const base = small({
      optimizers: ['sgd'],
      batchSize: 0,
      params: { ...DEFAULT_SETTINGS.params, sgd: { eta, gamma: 1, delta: 0 } },
    });
    // One race at a time: both models use the prefix race-sgd.
    const plain = await race(base);
    const w0 = plain.initialWeights('sgd');
    plain.trainStep();
    const a = (await plain.weights()).sgd!;
    plain.dispose();
    const decayed = await race({ ...base, weightDecay: lambda });
    expect(decayed.initialWeights('sgd')).toEqual(w0);
    decayed.trainStep();
    const b = (await decayed.weights()).sgd!;
    let kernels = 0;
    w0.forEach((w, k) => {
      const isKernel = w.name.endsWith('/kernel');
      if (isKernel) kernels++;
      for (let i = 0; i < w.values.length; i++) {
        // Same data gradient in both runs; the penalty's gradient is lambda * w_0.
        const expected = isKernel ? -eta * lambda * w.values[i]! : 0;
        expect(b[k]!.values[i]! - a[k]!.values[i]!).toBeCloseTo(expected, 5);
      }
    });
    expect(kernels).toBe(2);
  });

  it('is fair: SGD and GClip with a threshold never reached take identical steps on identical batches', async () => {
    const settings = small({
      optimizers: ['sgd', 'gclip'],
      params: {
        ...DEFAULT_SETTINGS.params,
        sgd: { eta: 0.3, gamma: 1, delta: 0 },
        gclip: { eta: 0.3, gamma: 1e6, delta: 0 },
      },
    });
    const r = await race(settings);
    await r.advance(40);
    const u = await r.drain();
    expect(u.evals.sgd!.map((e) => e.trainLoss)).toEqual(u.evals.gclip!.map((e) => e.trainLoss));
    expect(u.telemetry.gclip!.every((t) => t.regime === 'unclipped')).toBe(true);
    expect(u.telemetry.sgd!.map((t) => t.gradNorm)).toEqual(
      u.telemetry.gclip!.map((t) => t.gradNorm),
    );
  });

  it('gives the same numbers for the same settings, other numbers for another seed', async () => {
    const settings = small({ optimizers: ['gclip', 'dgclip'] });
    // One race after the other: live races of the same optimizers would share variable names.
    const run = async (s: Settings) => {
      const r = await race(s);
      await r.advance(30);
      const u = await r.drain();
      r.dispose();
      return u;
    };
    const ua = await run(settings);
    const ub = await run({ ...settings });
    expect(ub.evals).toEqual(ua.evals);
    expect(ub.telemetry).toEqual(ua.telemetry);
    const c = await race({ ...settings, seed: 2 });
    await c.advance(30);
    expect((await c.drain()).evals.gclip).not.toEqual(ua.evals.gclip);
  });

  it('trains: the full-batch loss falls and the step sizes follow the δ-GClip rule', async () => {
    const settings = small({
      dataset: 'circle',
      samples: 200,
      hidden: [16],
      optimizers: ['dgclip'],
    });
    const r = await race(settings);
    await r.advance(200);
    const u = await r.drain();
    const evals = u.evals.dgclip!;
    expect(evals).toHaveLength(200 / 5 + 1);
    expect(evals.map((e) => e.step)).toEqual(Array.from({ length: 41 }, (_, i) => 5 * i));
    expect(evals.at(-1)!.trainLoss).toBeLessThan(0.6 * evals[0]!.trainLoss);
    expect(evals.at(-1)!.testAccuracy!).toBeGreaterThan(0.8);
    const { eta, gamma, delta } = settings.params.dgclip;
    const telemetry = u.telemetry.dgclip!;
    expect(telemetry.map((t) => t.step)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    for (const t of telemetry) {
      const g = t.gradNorm;
      const h = eta * Math.min(1, Math.max(delta, gamma / g));
      expect(Math.abs(t.stepSize - h) / h).toBeLessThan(1e-5);
      expect(t.regime).toBe(g <= gamma ? 'unclipped' : g <= gamma / delta ? 'clipped' : 'floored');
    }
  });

  it('uses the full batch for batch size 0 (plain gradient descent: the same gradient every epoch step)', async () => {
    const settings = small({
      batchSize: 0,
      optimizers: ['sgd'],
      params: { ...DEFAULT_SETTINGS.params, sgd: { eta: 0.05, gamma: 1, delta: 0 } },
    });
    const r = await race(settings);
    await r.advance(5);
    const u = await r.drain();
    // The telemetry's gradient norm at step 0 is the full-batch norm measured at step 0.
    expect(u.telemetry.sgd![0]!.gradNorm).toBeCloseTo(u.evals.sgd![0]!.fullGradNorm, 4);
    // Small full-batch steps of gradient descent decrease the loss.
    expect(u.evals.sgd![1]!.trainLoss).toBeLessThan(u.evals.sgd![0]!.trainLoss);
  });

  it('draws heatmaps as probabilities for cross-entropy and values for regression', async () => {
    const ce = await race(small({ loss: 'cross-entropy', optimizers: ['adam'] }));
    const maps = (await ce.heatmaps())!;
    const p = maps.adam!;
    expect(p).toHaveLength(GRID_SIZE * GRID_SIZE * 2);
    for (let i = 0; i < p.length; i += 2) expect(p[i]! + p[i + 1]!).toBeCloseTo(1, 5);
    ce.dispose();
    const reg = await race(small({ dataset: 'bowl', optimizers: ['sgd'] }));
    expect((await reg.heatmaps())!.sgd).toHaveLength(GRID_SIZE * GRID_SIZE);
    reg.dispose();
    const cars = await race(small({ dataset: 'cars', optimizers: ['sgd'] }));
    expect(await cars.heatmaps()).toBeNull();
  });

  it('judges the certificate and the δ advice for the clipping optimizers only', async () => {
    const settings = small({ optimizers: ['sgd', 'gclip', 'dgclip'] });
    const r = await race(settings);
    await r.advance(20);
    const analyses = await r.analyses();
    expect(analyses.map((a) => a.id)).toEqual(['gclip', 'dgclip']);
    const [g, d] = analyses as [(typeof analyses)[0], (typeof analyses)[0]];
    expect(g.delta).toBe(0);
    expect(d.delta).toBe(settings.params.dgclip.delta);
    expect(d.certificate.checks.map((c) => c.name)).toEqual([
      'eta-below-inverse-beta',
      'step-sizes-in-range',
      'loss-below-envelope',
      'loss-below-a-posteriori-envelope',
      'iterates-in-ball',
      'pl-star-along-run',
    ]);
    expect(d.certificate.checks[1]!.held).toBe(true); // every h_t in [eta delta, eta]
    expect(g.advice.message).toMatch(/^delta = 0: there is no floor/);
    expect(d.beta).toBeGreaterThan(0);
    expect(d.mu).toBeGreaterThan(0);
    // mu is the smallest mu_t of the evaluations, each ||grad L||^2 / 2L of the same point.
    const evals = (await r.history()).dgclip!.evals;
    expect(d.mu).toBe(Math.min(...evals.map((e) => e.mu!)));
    for (const e of evals) {
      expect(e.mu!).toBeCloseTo(e.fullGradNorm ** 2 / (2 * e.trainLoss), 5);
    }
    expect(d.certificate.lossConvention).toBe('mean: mean of squared errors');
  });

  it('measures a cross-entropy race under its own loss', async () => {
    const r = await race(small({ loss: 'cross-entropy', optimizers: ['dgclip'] }));
    await r.advance(10);
    const [d] = await r.analyses();
    expect(d!.certificate.lossConvention).toBe('softmax cross-entropy');
    expect(d!.mu).toBeGreaterThan(0);
  });

  it('frees every tensor it made', async () => {
    const before = tf.memory().numTensors;
    const r = await Race.create(
      small({ optimizers: ['adam', 'dgclip'] }),
      await prepareData(small()),
    );
    await r.advance(25);
    await r.drain();
    await r.heatmaps();
    await r.analyses();
    await r.weights();
    r.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => r.trainStep()).toThrow('this race was disposed; start a new one');
  });
});

describe('Race.analyses in pieces', () => {
  it('awaits `between` before each certificate and each advice, and stops when it says so', async () => {
    const r = await race(small());
    await r.advance(60);
    const whole = await r.analyses();
    expect(whole!.map((a) => a.id)).toEqual(['gclip', 'dgclip']);
    let calls = 0;
    const pieced = await r.analyses(async () => {
      calls++;
      return true;
    });
    // Two pieces per clipping optimizer, and the same judgement as in one go.
    expect(calls).toBe(4);
    expect(pieced).toEqual(whole);
    calls = 0;
    const abandoned = await r.analyses(async () => ++calls < 2);
    expect(abandoned).toBeNull();
    expect(calls).toBe(2);
  });
});
