import { Dataset } from '@deltaclip/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { applyCalibration, type Calibration, calibrateTheory } from '../src/calibrate.js';
import { EXPERIMENTS } from '../src/experiments.js';
import { runExperiment } from '../src/run.js';
import { CLIPPING_CLASSES, type RunOptimizer, validateRunOptimizer } from '../src/run-optimizer.js';
import { buildTask, type DatasetLoader, type TaskSpec } from '../src/task.js';

/** Largest eigenvalue of a symmetric PSD matrix by float64 power iteration to convergence. */
function topEigenvalue(h: number[][]): number {
  let v = h.map((_, i) => 1 + i / 7);
  let lambda = 0;
  for (let k = 0; k < 5000; k++) {
    const hv = h.map((row) => row.reduce((s, a, j) => s + a * v[j]!, 0));
    const norm = Math.hypot(...hv);
    const next = hv.reduce((s, a, i) => s + a * v[i]!, 0) / v.reduce((s, a) => s + a * a, 0);
    v = hv.map((a) => a / norm);
    if (Math.abs(next - lambda) <= 1e-14 * next) return next;
    lambda = next;
  }
  return lambda;
}

describe('calibrateTheory on a linear least-squares task (Hessian known exactly)', () => {
  // 0.5 * mean squared error of f(x) = x W + b over n samples, one output: the Hessian in (W, b) is
  // (1/n) A^T A with A = [X | 1], constant in the weights.
  const x = [
    [1, 0.5, -0.2],
    [0.3, -1, 0.8],
    [2, 0.1, 0.4],
    [-0.5, 0.7, 1.5],
    [0.9, 1.2, -0.3],
    [-1.1, -0.4, 0.6],
  ];
  const y = [0.5, -1, 2, 0.25, 1, -0.75];
  const n = x.length;
  const loader: DatasetLoader = async () => ({
    train: new Dataset({
      x: Float32Array.from(x.flat()),
      featureShape: [3],
      y: Float32Array.from(y),
      targetShape: [1],
      metadata: { name: 'tiny-linear' },
    } as never),
  });
  const spec: TaskSpec = {
    dataset: { name: 'tiny-linear' },
    model: { kind: 'mlp', inputSize: 3, hidden: [], outputSize: 1, seed: 4 },
    loss: { kind: 'square', reduction: 'mean', half: true },
  };
  const a = x.map((row) => [...row, 1]);
  const hessian = a[0]!.map((_, i) =>
    a[0]!.map((_, j) => a.reduce((s, r) => s + r[i]! * r[j]!, 0) / n),
  );
  const lambdaMax = topEigenvalue(hessian);

  it('measures beta_0 and ||g_0|| and derives eta <= 1/beta and gamma from them', async () => {
    const c = await calibrateTheory(spec, { loader, seed: 0, iterations: 50 });
    expect(c.beta0).toBeCloseTo(lambdaMax, 3);
    expect(c.learningRate).toBeLessThanOrEqual(1 / lambdaMax);
    expect(c.learningRate * c.beta0).toBeCloseTo(0.5, 10);

    // ||grad L(w_0)|| from the initial weights (they depend only on the model seed and names).
    const task = await buildTask(spec, { loader });
    const w = new Map(task.model.getWeights().map((v) => [v.name, Array.from(v.values)]));
    task.model.dispose();
    const kernel = w.get('dense0/kernel')!;
    const bias = w.get('dense0/bias')![0]!;
    const residual = x.map((row, i) => row.reduce((s, v, j) => s + v * kernel[j]!, bias) - y[i]!);
    const grad = a[0]!.map((_, j) => a.reduce((s, r, i) => s + r[j]! * residual[i]!, 0) / n);
    const g0 = Math.hypot(...grad);
    expect(g0).toBeGreaterThan(0.1);
    expect(c.gradNorm0).toBeCloseTo(g0, 4);
    expect(c.gamma / c.gradNorm0).toBeCloseTo(0.2, 10);
  });
});

describe('the theory experiment, calibrated', () => {
  const plan = EXPERIMENTS.theory!.laptop;
  const task = plan.base.task;
  let calibration: Calibration | undefined;
  const calibrated = async () => {
    calibration ??= await calibrateTheory(task, { seed: 0 });
    return calibration;
  };

  it('eta <= 1/beta for beta measured independently by finite differences of the gradient', async () => {
    const c = await calibrated();
    const built = await buildTask(task, { prefix: 'fd' });
    const variables = built.model.variables as tf.Variable[];
    const { x, y } = built.train.toTensors({ labels: built.labels });
    // 0.5 * mean squared error over the training split, written here, not taken from fullBatch.
    const loss = () =>
      tf.mul(0.5, tf.mean(tf.square(tf.sub(built.model.apply(x), y)))) as tf.Scalar;
    const gradient = (): Float64Array => {
      const { value, grads } = tf.variableGrads(loss, variables);
      const flat = Float64Array.from(
        variables.flatMap((v) => Array.from(grads[v.name]!.dataSync())),
      );
      tf.dispose([value, ...Object.values(grads)]);
      return flat;
    };
    const w0 = variables.map((v) => v.dataSync().slice());
    const setAt = (v: Float64Array, scale: number) => {
      let offset = 0;
      variables.forEach((variable, i) => {
        const values = w0[i]!.map((w, k) => w + scale * v[offset + k]!);
        offset += variable.size;
        variable.assign(tf.tensor(values, variable.shape));
      });
    };
    // Power iteration on H v ~ (g(w + e v) - g(w - e v)) / 2e from a deterministic start.
    const size = variables.reduce((s, v) => s + v.size, 0);
    let v = Float64Array.from({ length: size }, (_, i) => Math.sin(i + 1));
    let rayleigh = 0;
    // Small enough that few ReLU units change sign across w +- eps v (1e-2 smoothed the kinks and
    // gave a 10% lower curvature); large enough for float32 gradients (error ~ 1e-7 / eps).
    const eps = 1e-3;
    for (let k = 0; k < 30; k++) {
      // Not Math.hypot(...v): 135k arguments overflow the call stack.
      const norm = Math.sqrt(v.reduce((s, e) => s + e * e, 0));
      v = v.map((e) => e / norm);
      setAt(v, eps);
      const plus = gradient();
      setAt(v, -eps);
      const minus = gradient();
      const hv = plus.map((p, i) => (p - minus[i]!) / (2 * eps));
      rayleigh = hv.reduce((s, h, i) => s + h * v[i]!, 0);
      v = hv;
    }
    tf.dispose([x, y]);
    built.model.dispose();
    expect(rayleigh).toBeGreaterThan(0);
    expect(c.beta0).toBeCloseTo(rayleigh, -Math.log10(0.02 * rayleigh));
    expect(c.learningRate).toBeLessThanOrEqual(1 / rayleigh);
  });

  it('with delta 0.5 and gamma = 0.2 ||g_0|| the floor binds from step 0 exactly while ||g|| > gamma/delta', async () => {
    const c = await calibrated();
    const optimizers = applyCalibration(plan.optimizers, c);
    const regimes: Record<string, string[]> = {};
    for (const optimizer of optimizers) {
      const outcome = await runExperiment(
        { ...plan.base, analysis: null, epochs: 12, optimizer },
        { prefix: `floor_${optimizer.className}`, recordEvery: 1 },
      );
      const steps = outcome.result.history.steps;
      expect(steps).toHaveLength(12);
      // Full batch from the same initial weights: step 0's gradient is the calibration's g_0.
      expect(steps[0]!.gradNorm!).toBeCloseTo(c.gradNorm0, -Math.log10(1e-4 * c.gradNorm0));
      const { gamma, delta } = { gamma: 0, delta: 0, ...optimizer.config } as {
        gamma: number;
        delta: number;
      };
      const clips = optimizer.className !== 'deltaclip.SGD';
      for (const s of steps) {
        expect(Number.isFinite(s.loss)).toBe(true);
        const g = s.gradNorm!;
        // The optimizer compares in float32: within 1e-5 of a threshold either side is right.
        const near = (t: number) => Math.abs(g - t) <= 1e-5 * t;
        const allowed = !clips
          ? ['unclipped']
          : near(gamma)
            ? ['unclipped', 'clipped']
            : g < gamma
              ? ['unclipped']
              : delta > 0 && near(gamma / delta)
                ? ['clipped', 'floored']
                : delta > 0 && g > gamma / delta
                  ? ['floored']
                  : ['clipped'];
        expect(allowed).toContain(s.regime);
        const factor = { unclipped: 1, clipped: gamma / g, floored: delta, skipped: 0 }[s.regime!];
        expect(s.stepSize!).toBeCloseTo(c.learningRate * factor, 6);
      }
      regimes[optimizer.className] = steps.map((s) => s.regime!);
    }
    // gamma/||g_0|| = 0.2 < delta = 0.5: the floor binds at initialization, for δ-GClip only.
    expect(regimes['deltaclip.DeltaGClip']![0]).toBe('floored');
    expect(regimes['deltaclip.GClip']![0]).toBe('clipped');
    // As ||g|| falls below gamma/delta = 0.4 ||g_0|| within these steps, δ-GClip leaves the floor.
    expect(regimes['deltaclip.DeltaGClip']).toContain('clipped');
    expect(regimes['deltaclip.DeltaGClip']!.lastIndexOf('floored')).toBeLessThan(
      regimes['deltaclip.DeltaGClip']!.indexOf('clipped'),
    );
  });
});

describe('applyCalibration', () => {
  const c: Calibration = { beta0: 8, gradNorm0: 3, learningRate: 0.0625, gamma: 0.6 };
  const optimizers: RunOptimizer[] = [
    {
      className: 'deltaclip.DeltaGClip',
      config: { learningRate: 1, gamma: 1, delta: 0.5 },
      label: 'a',
    },
    { className: 'deltaclip.GClip', config: { learningRate: 1, gamma: 1 } },
    {
      className: 'deltaclip.DeltaGClipPerTensor',
      config: { learningRate: 2, gamma: 5, delta: 0.1 },
    },
    { className: 'deltaclip.SGD', config: { learningRate: 1 } },
    { className: 'deltaclip.Adam', config: { learningRate: 1e-3, weightDecay: 1e-5 } },
    { className: 'deltaclip.SGD', config: {} },
  ];

  it('sets eta everywhere and gamma on the clipping classes only; nothing else changes', () => {
    const before = structuredClone(optimizers);
    const after = applyCalibration(optimizers, c);
    expect(optimizers).toEqual(before);
    expect(after).toHaveLength(optimizers.length);
    after.forEach((o, i) => {
      const original = before[i]!;
      const clipping = [
        'deltaclip.DeltaGClip',
        'deltaclip.GClip',
        'deltaclip.DeltaGClipPerTensor',
      ].includes(original.className);
      expect(o).toEqual({
        ...original,
        config: {
          ...original.config,
          learningRate: 0.0625,
          ...(clipping ? { gamma: 0.6 } : {}),
        },
      });
      expect('gamma' in o.config).toBe(clipping);
      expect(validateRunOptimizer(o)).toEqual(o);
    });
    expect([...CLIPPING_CLASSES].sort()).toEqual([
      'deltaclip.DeltaGClip',
      'deltaclip.DeltaGClipPerTensor',
      'deltaclip.GClip',
    ]);
  });

  it('on the theory plan: only learningRate and gamma differ from the plan', () => {
    const plan = EXPERIMENTS.theory!.laptop.optimizers;
    const after = applyCalibration(plan, c);
    after.forEach((o, i) => {
      const changed = Object.keys(o.config).filter(
        (k) =>
          (o.config as Record<string, unknown>)[k] !==
          (plan[i]!.config as Record<string, unknown>)[k],
      );
      expect(changed.sort()).toEqual(
        o.className === 'deltaclip.SGD' ? ['learningRate'] : ['gamma', 'learningRate'],
      );
      expect(o.className).toBe(plan[i]!.className);
      expect(o.label).toBe(plan[i]!.label);
    });
  });
});
