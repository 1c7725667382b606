// The built package in a plain Node process with tfjs-core and the cpu backend only: no chained
// ops (x.relu()) and no gradients are registered there, as in a bundle. Every model must still
// run its forward pass and losses. Uses dist/, which turbo builds before the tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const script = `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createModel, softmaxCrossEntropy, squareLoss, accuracy } from './dist/index.js';
await tf.setBackend('cpu');
const probe = tf.scalar(1);
const chained = typeof probe.relu === 'function';
const cases = [
  [{ kind: 'mlp', inputSize: 3, hidden: [4], outputSize: 2, activation: 'gelu', parameterization: 'ntk' }, tf.ones([2, 3])],
  [{ kind: 'resnet', widths: [2, 4], blocks: [1, 1], numClasses: 3 }, tf.ones([2, 8, 8, 3])],
  [{ kind: 'vae', inputSize: 6, hidden: [4], latent: 2 }, tf.fill([2, 6], 0.5)],
  [{ kind: 'vit', imageSize: 8, patchSize: 4, width: 8, depth: 1, heads: 2, numClasses: 3 }, tf.ones([2, 8, 8, 3])],
  [{ kind: 'transformer', vocabSize: 5, sequenceLength: 4, width: 8, depth: 1, heads: 2, causal: true }, tf.tensor2d([[1, 2, 3, 4], [0, 1, 2, 3]], [2, 4], 'int32')],
];
const shapes = {};
for (const [config, x] of cases) {
  const model = createModel(config);
  const y = model.apply(x, { training: true });
  shapes[config.kind] = y.shape;
  if (config.kind === 'vae') shapes.vaeLossFinite = Number.isFinite(model.loss(x, { seed: 1 }).dataSync()[0]);
  if (config.kind === 'resnet') {
    const labels = tf.tensor1d([0, 2], 'int32');
    shapes.losses = [softmaxCrossEntropy(y, labels), accuracy(y, labels), squareLoss(y, y, { reduction: 'mean', half: false })].map((t) => t.rank);
  }
  model.dispose();
}
console.log(JSON.stringify({ chained, shapes }));
`;

describe('plain Node, tfjs-core only', () => {
  it('runs every model without chained ops', () => {
    expect(existsSync(`${root}/dist/index.js`), 'build the package first (pnpm build)').toBe(true);
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.stderr.replace(/=+\n|Hi, looks[^\n]*\n|\n/g, '')).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      chained: false,
      shapes: {
        mlp: [2, 2],
        resnet: [2, 3],
        losses: [0, 0, 0],
        vae: [2, 6],
        vaeLossFinite: true,
        vit: [2, 3],
        transformer: [2, 4, 5],
      },
    });
  });
});
