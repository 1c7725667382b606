// Train a wide two-layer ReLU network with δ-GClip, watch PL* along the way, and certify the run.
// Run after `pnpm build`: node packages/plstar/examples/certify-wide-relu.mjs
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node entry registers no gradients; the union package's Node entry registers them.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { deltaGClip } from '@deltaclip/core';
import { adviseDelta, certify, createPlStarMonitor, topHessianEigenvalue } from '@deltaclip/plstar';

await tf.setBackend('cpu');
const n = 16;
const width = 2048;
// Inputs on the unit sphere, a smooth target.
const x = tf.tidy(() => {
  const z = tf.randomNormal([n, 4], 0, 1, 'float32', 1);
  return tf.div(z, tf.sqrt(tf.sum(tf.square(z), 1, true)));
});
const y = tf.tidy(() => tf.sin(tf.mul(2, tf.slice(x, [0, 0], [n, 1]))));
const W = tf.variable(tf.randomNormal([4, width], 0, 1, 'float32', 2), true, 'W');
const a = tf.variable(tf.randomNormal([width, 1], 0, 1, 'float32', 3), true, 'a');
// NTK scaling: f(x) = a . relu(x W) / sqrt(width).
const model = {
  variables: [W, a],
  apply: (input) => tf.mul(tf.matMul(tf.relu(tf.matMul(input, W)), a), 1 / Math.sqrt(width)),
};
const loss = { reduction: 'mean', half: true }; // 0.5 * mean((f(x) - y)^2)
const lossFn = () => tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(model.apply(x), y)))));

// eta <= 1/beta, from the smoothness measured at initialization (with a margin).
const { beta } = await topHessianEigenvalue(lossFn, model.variables, { iterations: 30 });
const eta = 0.5 / beta;
const gamma = 0.05;
const delta = 0.5;
const optimizer = deltaGClip({ learningRate: eta, gamma, delta, telemetry: { history: true } });
const monitor = createPlStarMonitor({
  model,
  x,
  y,
  squareLoss: loss,
  lossFn,
  every: 50,
  tangentKernelSamples: n,
});

const losses = [];
for (let t = 0; t <= 300; t++) {
  const record = await monitor.observe(t);
  if (record) {
    console.log(
      `step ${t}: loss ${record.loss.toExponential(3)}  mu_t ${record.mu?.toExponential(3)}  ` +
        `2c·lambda_min(K) ${record.kernel.impliedMu.toExponential(3)}  beta ${record.hessian.beta.toFixed(3)}  ` +
        `||w - w0|| ${record.distanceFromInit.toFixed(3)}`,
    );
  }
  if (t === 300) {
    const last = lossFn();
    losses.push((await last.data())[0]);
    last.dispose();
    break;
  }
  const cost = optimizer.minimize(lossFn, true);
  losses.push((await cost.data())[0]);
  cost.dispose();
}

const steps = await optimizer.telemetry.flush();
const measured = monitor.certificateInputs();
const certificate = certify({
  eta,
  gamma,
  delta,
  mu: measured.mu,
  beta: measured.beta,
  losses,
  steps,
  distances: measured.distances,
  muTrajectory: measured.muTrajectory,
  muSource: measured.muSource,
  muPoints: measured.muPoints,
  kernelSamples: measured.kernelSamples,
  totalSamples: measured.totalSamples,
  betaPoints: measured.betaPoints,
  lossConvention: measured.lossConvention,
});
console.log(`\ncertificate: ${certificate.verdict} (mu source ${certificate.muSource})`);
console.log(`  ${certificate.sentence}`);
console.log(`  ${certificate.constants.muNote}`);
console.log(`  ${certificate.constants.betaNote}`);
for (const check of certificate.checks) {
  console.log(`  ${check.held ? 'held    ' : 'VIOLATED'} ${check.name}: ${check.detail}`);
}
console.log(`\n${adviseDelta({ gamma, delta, steps }).message}`);
monitor.dispose();
