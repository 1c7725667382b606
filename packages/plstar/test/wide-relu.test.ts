/**
 * The paper's setting in miniature: a wide two-layer ReLU network (NTK scaling) trained full-batch
 * on a square loss with core's δ-GClip. The certificate must hold on the run, and at every
 * observation mu_t must be at least the kernel-implied mu (2c lambda_min(K) over all samples).
 */
import { deltaGClip } from '@deltaclip/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  adviseDelta,
  certify,
  createPlStarMonitor,
  type PlStarModel,
  type SquareLossConvention,
  topHessianEigenvalue,
  trajectoryMu,
} from '../src/index.js';
import { f32, gaussian } from './reference.js';

const N = 16;
const D = 4;
const WIDTH = 2048;
const STEPS = 300;
const EVERY = 25;
const loss: SquareLossConvention = { reduction: 'mean', half: true };

function wideRelu(): PlStarModel & { variables: tf.Variable[] } {
  const [W, a] = tf.tidy(() => [
    tf.variable(tf.randomNormal([D, WIDTH], 0, 1, 'float32', 101), true, 'wide_W'),
    tf.variable(tf.randomNormal([WIDTH, 1], 0, 1, 'float32', 102), true, 'wide_a'),
  ]);
  const scale = 1 / Math.sqrt(WIDTH);
  return {
    variables: [W, a],
    apply: (x) => tf.mul(tf.matMul(tf.relu(tf.matMul(x as tf.Tensor2D, W)), a), scale),
  };
}

function data() {
  const g = gaussian(103);
  const rows = Array.from({ length: N }, () => {
    const v = Array.from({ length: D }, () => g());
    const norm = Math.hypot(...v);
    return v.map((c) => c / norm);
  });
  const targets = rows.map((r) => Math.sin(2 * r[0]!) + r[1]! * r[2]!);
  return { x: tf.tensor2d(f32(rows.flat()), [N, D]), y: tf.tensor2d(f32(targets), [N, 1]) };
}

describe('wide two-layer ReLU network trained with δ-GClip', () => {
  it('the certificate holds and mu_t >= 2c lambda_min(K) at every observation', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const model = wideRelu();
    const { x, y } = data();
    // 0.5 * mean((f(x) - y)^2), written out: the convention `loss` names it.
    const lossFn = () =>
      tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(model.apply(x), y)))) as tf.Scalar);

    // Choose eta from the measured smoothness at initialization, with a margin for its drift.
    const beta0 = (
      await topHessianEigenvalue(lossFn, model.variables, { iterations: 30, tolerance: 1e-4 })
    ).beta;
    const eta = 0.5 / beta0;
    // gamma and delta so that all three regimes occur: the first steps are floored (||g|| > 0.4 g0).
    const g0 = Math.sqrt((await trajectoryMu(lossFn, model.variables)).gradNormSquared);
    const gamma = 0.2 * g0;
    const delta = 0.5;

    const monitor = createPlStarMonitor({
      model,
      x,
      y,
      squareLoss: loss,
      lossFn,
      every: EVERY,
      tangentKernelSamples: N,
      hessianIterations: 10,
    });
    const optimizer = deltaGClip({ learningRate: eta, gamma, delta, telemetry: { history: true } });
    const losses: number[] = [];
    for (let t = 0; t <= STEPS; t++) {
      await monitor.observe(t);
      if (t === STEPS) {
        const last = lossFn();
        losses.push((await last.data())[0]!);
        last.dispose();
        break;
      }
      const cost = optimizer.minimize(lossFn, true)!;
      losses.push((await cost.data())[0]!);
      cost.dispose();
    }
    const steps = await optimizer.telemetry.flush();
    const inputs = monitor.certificateInputs();
    const summary = monitor.summary();

    expect(inputs.muSource).toBe('kernel-full');
    expect(summary.observations).toBe(STEPS / EVERY + 1);
    // The theory's inequality at the same point, at every observation.
    for (const r of monitor.records()) {
      expect(r.kernel!.coversAllSamples).toBe(true);
      expect(r.mu!).toBeGreaterThanOrEqual(r.kernel!.impliedMu);
      expect(r.muAboveKernelBound).toBe(true);
    }
    expect(summary.muAboveKernelBound).toBe(true);
    // Wide network: the kernel barely moves and the iterates stay near w_0.
    expect(summary.maxKernelChange!).toBeLessThan(0.1);

    const certificate = certify({
      eta,
      gamma,
      delta,
      mu: inputs.mu!,
      beta: inputs.beta!,
      losses,
      steps,
      distances: inputs.distances,
      muTrajectory: inputs.muTrajectory,
      muSource: inputs.muSource!,
    });
    for (const c of certificate.checks)
      expect({ name: c.name, held: c.held, detail: c.detail }).toMatchObject({ held: true });
    expect(certificate.held).toBe(true);
    expect(certificate.checks.map((c) => c.name)).toEqual([
      'eta-below-inverse-beta',
      'step-sizes-in-range',
      'loss-below-envelope',
      'loss-below-a-posteriori-envelope',
      'iterates-in-ball',
      'pl-star-along-run',
    ]);
    // Holds with a kernel-full mu; how much it says is the verdict's rule, applied to its numbers.
    expect(certificate.muSource).toBe('kernel-full');
    const loose = certificate.tightness! < 0.1 || certificate.radiusRatio! > 100;
    expect(certificate.verdict).toBe(loose ? 'vacuous' : 'informative');
    // The run actually trained, through every regime.
    expect(losses[STEPS]!).toBeLessThan(0.05 * losses[0]!);
    const advice = adviseDelta({ gamma, delta, steps });
    expect(advice.floorBound).toBe(true);
    expect(advice.counts.clipped).toBeGreaterThan(0);
    expect(advice.counts.unclipped).toBeGreaterThan(0);

    monitor.dispose();
    optimizer.dispose();
    tf.dispose([...model.variables, x, y]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
