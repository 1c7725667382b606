// Train a small MLP with δ-GClip on a synthetic regression and print its loss curve.
// Run after `pnpm build`: node packages/core/examples/train-mlp.mjs
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node entry registers no gradients; the union package's Node entry registers them.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { deltaGClip } from '@deltaclip/core';

await tf.setBackend('cpu');
const n = 256;
const x = tf.randomUniform([n, 2], -1, 1, 'float32', 1);
const y = tf.tidy(() =>
  tf.add(tf.sin(tf.mul(3, tf.slice(x, [0, 0], [n, 1]))), tf.square(tf.slice(x, [0, 1], [n, 1]))),
);
const w1 = tf.variable(tf.randomNormal([2, 256], 0, Math.sqrt(2 / 2), 'float32', 2), true, 'w1');
const b1 = tf.variable(tf.zeros([256]), true, 'b1');
const w2 = tf.variable(tf.randomNormal([256, 1], 0, Math.sqrt(1 / 256), 'float32', 3), true, 'w2');
const loss = () =>
  tf.tidy(() => {
    const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
    return tf.mul(0.5, tf.mean(tf.square(tf.sub(tf.matMul(h, w2), y))));
  });

const optimizer = deltaGClip({ learningRate: 0.05, gamma: 1, delta: 0.1 });
console.log('δ-GClip (eta 0.05, gamma 1, delta 0.1), full-batch square loss, 256-wide MLP');
for (let step = 0; step <= 300; step++) {
  const cost = optimizer.minimize(loss, true);
  if (step % 30 === 0) {
    const t = await optimizer.telemetry.latest();
    console.log(
      `step ${String(step).padStart(3)}  loss ${cost.dataSync()[0].toExponential(3)}  ` +
        `||g|| ${t.gradNorm.toFixed(4)}  h ${t.stepSize.toFixed(4)}  ${t.regime}`,
    );
  }
  cost.dispose();
}
console.log('regime counts:', await optimizer.telemetry.counts());
