/**
 * The certificate on linear least squares, where every constant is known: X = U diag(s) V^T, the
 * loss 0.5 ||X w - y||^2 has mu = s_min^2 and beta = s_max^2 everywhere, and the residual of a
 * gradient step with size h evolves mode by mode, r_i <- (1 - h s_i^2) r_i. The expected
 * tightness is computed here in float64, independently of the certificate: for gradient descent in
 * closed form from the modes, for δ-GClip by simulating its steps.
 */
import { deltaGClip } from '@deltaclip/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Certificate,
  certify,
  createPlStarMonitor,
  type PlStarModel,
  type SquareLossConvention,
  type StepLike,
} from '../src/index.js';
import {
  f32,
  gaussian,
  linearModel,
  matmul,
  prescribedLeastSquares,
  transpose,
} from './reference.js';

const HALF_SUM: SquareLossConvention = { reduction: 'sum', half: true };
const n = 8;
const d = 24;
// Geometric from 2 down to 0.5: kappa = beta / mu = 16.
const s = Array.from({ length: n }, (_, i) => 2 * 0.25 ** (i / (n - 1)));
const problem = prescribedLeastSquares(s, d, 11);
const mu = Math.min(...s) ** 2;
const beta = Math.max(...s) ** 2;
const eta = 0.95 / beta; // below 1/beta with room for float32 round-off in the measured beta
const T = 60;
const x = tf.tensor2d(f32(problem.X), [n, d]);
const y = tf.tensor2d(f32(problem.y), [n, 1]);
afterAll(() => tf.dispose([x, y]));

/** 0.5 ||X w - y||^2 in float64. */
function loss64(w: Float64Array): number {
  const r = matmul(problem.X, w, n, d, 1);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (r[i]! - problem.y[i]!) ** 2;
  return 0.5 * sum;
}

function gradient64(w: Float64Array): Float64Array {
  const r = matmul(problem.X, w, n, d, 1).map((v, i) => v - problem.y[i]!);
  return matmul(transpose(problem.X, n, d), r, d, n, 1);
}

interface Run {
  readonly losses: number[];
  readonly steps: StepLike[];
  readonly monitor: ReturnType<typeof createPlStarMonitor>;
  readonly w: tf.Variable;
}

async function train(
  optimizer: tf.Optimizer & { telemetry?: { flush(): Promise<StepLike[]> } },
  tangentKernelSamples: 'all' | number,
  name: string,
): Promise<Run> {
  const w = tf.variable(tf.zeros([d, 1]), true, name);
  const model: PlStarModel = linearModel(w);
  const lossFn = () =>
    tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(model.apply(x), y)))) as tf.Scalar);
  const monitor = createPlStarMonitor({
    model,
    x,
    y,
    squareLoss: HALF_SUM,
    lossFn,
    every: 20,
    tangentKernelSamples,
    hessianIterations: 30,
    hessianTolerance: 1e-6,
  });
  const losses: number[] = [];
  for (let t = 0; t <= T; t++) {
    await monitor.observe(t);
    if (t === T) {
      const l = lossFn();
      losses.push((await l.data())[0]!);
      l.dispose();
      break;
    }
    const cost = optimizer.minimize(lossFn, true)!;
    losses.push((await cost.data())[0]!);
    cost.dispose();
  }
  const steps = optimizer.telemetry ? await optimizer.telemetry.flush() : [];
  return { losses, steps, monitor, w };
}

function certifyFrom(
  run: Run,
  extra: { delta?: number; method?: 'gradient-descent' },
): Certificate {
  const m = run.monitor.certificateInputs();
  return certify({
    ...extra,
    eta,
    mu: m.mu!,
    muSource: m.muSource!,
    muPoints: m.muPoints,
    kernelSamples: m.kernelSamples,
    totalSamples: m.totalSamples,
    beta: m.beta!,
    betaPoints: m.betaPoints,
    losses: run.losses,
    ...(run.steps.length > 0 ? { steps: run.steps } : {}),
    distances: m.distances,
    muTrajectory: m.muTrajectory,
    lossConvention: m.lossConvention,
  });
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('certificate on closed-form least squares', () => {
  it('gradient descent: informative, kernel-full, tightness as the modes predict', async () => {
    const run = await train(tf.train.sgd(eta), 'all', 'cls_gd');
    const c = certifyFrom(run, { method: 'gradient-descent' });

    // From w_0 = 0 the residual is -y; in the basis U its mode i has weight a_i^2 and shrinks by
    // (1 - eta s_i^2)^2 per step in L. The a-posteriori factor with h = eta is
    // 1 - 2 eta mu (1 - eta beta / 2).
    const a = matmul(transpose(problem.U, n, n), problem.y, n, n, 1);
    const L0 = 0.5 * a.reduce((acc, v) => acc + v * v, 0);
    const LT = 0.5 * a.reduce((acc, v, i) => acc + v * v * (1 - eta * s[i]! ** 2) ** (2 * T), 0);
    const achieved = LT / L0;
    const factor = 1 - 2 * eta * mu * (1 - (eta * beta) / 2);
    const expected = (T * Math.log(factor)) / Math.log(achieved);

    expect(c.muSource).toBe('kernel-full');
    expect(rel(c.mu, mu)).toBeLessThan(1e-3);
    expect(rel(c.beta, beta)).toBeLessThan(1e-3);
    expect(c.checks.every((k) => k.held)).toBe(true);
    expect(c.verdict).toBe('informative');
    expect(rel(c.achievedRatio!, achieved)).toBeLessThan(1e-3);
    expect(c.envelope).toBe('a-posteriori');
    expect(rel(c.tightness!, expected)).toBeLessThan(1e-3);
    expect(c.tightness!).toBeGreaterThan(0.25);
    // The a-priori rate 1 - eta mu, and R = 2 sqrt(2 L_0 / eta) / mu.
    expect(rel(c.rate!, 1 - eta * mu)).toBeLessThan(1e-4);
    expect(rel(c.radius!, (2 * Math.sqrt((2 * L0) / eta)) / mu)).toBeLessThan(1e-3);
    expect(c.constants.muNote).toBe(
      'mu = 2c lambda_min(K), smallest over 4 analysis points, with the tangent kernel on every training sample (all 8): a true PL* value at those points',
    );
    expect(c.constants.betaNote).toBe(
      'beta = the largest top Hessian eigenvalue measured along the path at 4 analysis points (power iteration): not a bound over the ball',
    );
    run.monitor.dispose();
    run.w.dispose();
  });

  it('δ-GClip: informative, tightness as a float64 simulation of its steps predicts', async () => {
    // gamma from the first gradient so that the floor binds at the start and the run passes
    // through the clipped and unclipped regimes.
    const g0 = Math.hypot(...gradient64(new Float64Array(d)));
    const gamma = 0.3 * g0;
    const delta = 0.5;
    const optimizer = deltaGClip({ learningRate: eta, gamma, delta, telemetry: { history: true } });
    const run = await train(optimizer as never, 'all', 'cls_dg');
    const c = certifyFrom(run, { delta });

    const w = new Float64Array(d);
    const L0 = loss64(w);
    let logGuaranteed = 0;
    const regimes = { unclipped: 0, clipped: 0, floored: 0 };
    for (let t = 0; t < T; t++) {
      const g = gradient64(w);
      const norm = Math.hypot(...g);
      const scale = Math.min(1, Math.max(delta, gamma / norm));
      regimes[scale === 1 ? 'unclipped' : scale === delta ? 'floored' : 'clipped']++;
      const h = eta * scale;
      logGuaranteed += Math.log(1 - 2 * h * mu * (1 - (h * beta) / 2));
      for (let i = 0; i < d; i++) w[i]! -= h * g[i]!;
    }
    const achieved = loss64(w) / L0;
    const expected = logGuaranteed / Math.log(achieved);

    expect(regimes.floored).toBeGreaterThan(0);
    expect(regimes.clipped).toBeGreaterThan(0);
    expect(regimes.unclipped).toBeGreaterThan(0);
    expect(c.method).toBe('delta-gclip');
    expect(c.muSource).toBe('kernel-full');
    expect(c.checks.every((k) => k.held)).toBe(true);
    expect(c.verdict).toBe('informative');
    expect(rel(c.achievedRatio!, achieved)).toBeLessThan(2e-3);
    expect(rel(c.tightness!, expected)).toBeLessThan(2e-3);
    // The a-priori envelope (1 - eta delta mu)^T is looser than the one from the steps taken.
    expect(c.envelopes.aPriori.tightness!).toBeLessThan(c.tightness!);
    expect(
      rel(
        c.envelopes.aPriori.tightness!,
        (T * Math.log(1 - eta * delta * mu)) / Math.log(achieved),
      ),
    ).toBeLessThan(2e-3);
    run.monitor.dispose();
    run.w.dispose();
  });

  it("mu from the run's own trajectory: labelled trajectory, never informative", async () => {
    const run = await train(tf.train.sgd(eta), 0, 'cls_traj');
    const c = certifyFrom(run, { method: 'gradient-descent' });
    expect(c.muSource).toBe('trajectory');
    expect(c.held).toBe(true);
    expect(c.verdict).toBe('vacuous');
    expect(c.reasons[0]).toBe(
      "mu is the run's own smallest mu_t: it describes this run and guarantees nothing (PL* holds with it by construction)",
    );
    expect(c.sentence).toMatch(/^with the run's own mu_t as mu \(descriptive, not a guarantee\)/);
    run.monitor.dispose();
    run.w.dispose();
  });

  it('a subset kernel is labelled kernel-subset', async () => {
    const run = await train(tf.train.sgd(eta), 3, 'cls_sub');
    const m = run.monitor.certificateInputs();
    expect(m.muSource).toBe('kernel-subset');
    expect(m.kernelSamples).toBe(3);
    expect(m.totalSamples).toBe(n);
    // Interlacing: a subset's lambda_min is at least the full kernel's.
    expect(m.mu!).toBeGreaterThanOrEqual(mu * (1 - 1e-4));
    run.monitor.dispose();
    run.w.dispose();
  });
});

describe('certificate with near-duplicate rows', () => {
  it('a tiny lambda_min makes the guarantee vacuous, and its rate keeps its digits', async () => {
    // Six rows, the last a near copy of the fifth: K's smallest eigenvalue is about
    // ||x_5 - x_4||^2 / 2, while the loss lives in the well-conditioned directions.
    const rows = 6;
    const dim = 12;
    const g = gaussian(5);
    const X = new Float64Array(rows * dim).map(() => g() / Math.sqrt(dim));
    for (let j = 0; j < dim; j++) X[5 * dim + j] = X[4 * dim + j]! + 0.003 * g();
    const wStar = new Float64Array(dim).map(() => g());
    const Y = matmul(X, wStar, rows, dim, 1);
    const xd = tf.tensor2d(f32(X), [rows, dim]);
    const yd = tf.tensor2d(f32(Y), [rows, 1]);
    const w = tf.variable(tf.zeros([dim, 1]), true, 'cls_dup');
    const model = linearModel(w);
    const lossFn = () =>
      tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(model.apply(xd), yd)))) as tf.Scalar);
    const monitor = createPlStarMonitor({
      model,
      x: xd,
      y: yd,
      squareLoss: HALF_SUM,
      lossFn,
      every: 20,
      tangentKernelSamples: 'all',
      hessianIterations: 30,
      hessianTolerance: 1e-6,
    });
    await monitor.observe(0);
    const b = monitor.records()[0]!.hessian!.beta;
    const etaDup = 0.9 / b;
    const optimizer = tf.train.sgd(etaDup);
    const losses: number[] = [];
    for (let t = 0; t < 60; t++) {
      await monitor.observe(t);
      const cost = optimizer.minimize(lossFn, true)!;
      losses.push((await cost.data())[0]!);
      cost.dispose();
    }
    const m = monitor.certificateInputs();
    const c = certify({
      method: 'gradient-descent',
      eta: etaDup,
      mu: m.mu!,
      muSource: m.muSource!,
      beta: m.beta!,
      losses,
      distances: m.distances,
    });
    expect(m.muSource).toBe('kernel-full');
    expect(c.held).toBe(true);
    expect(c.verdict).toBe('vacuous');
    expect(c.tightness!).toBeLessThan(0.1);
    expect(c.achievedRatio!).toBeLessThan(0.01);
    // 1 - eta mu is within 1e-4 of 1, and the printed rate still shows how far.
    expect(1 - c.rate!).toBeLessThan(1e-4);
    const printed = /rate ([0-9.e-]+)/.exec(c.checks[1]!.detail)![1]!;
    expect(Number(printed)).toBeLessThan(1);
    expect(rel(1 - Number(printed), 1 - c.rate!)).toBeLessThan(0.05);
    monitor.dispose();
    tf.dispose([xd, yd, w]);
  });
});
