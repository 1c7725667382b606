import { MEAN } from '@deltaclip/utils';
// The same models on the cpu and wasm backends: identical initial weights (drawn in JS), forward
// passes and losses that agree, and gradients on wasm for every family whose kernels it has.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../src/create-model.js';
import { createModel } from '../src/create-model.js';
import { softmaxCrossEntropy } from '../src/losses/softmax-cross-entropy.js';
import { squareLoss } from '../src/losses/square-loss.js';
import type { VaeModel } from '../src/models/vae.js';
import type { Model } from '../src/types.js';
import { expectGradientsForEveryVariable, testData } from './helpers.js';
import { maxRelativeError } from './reference.js';

interface Case {
  readonly config: ModelConfig;
  readonly input: () => tf.Tensor;
  readonly loss: (model: Model, x: tf.Tensor) => tf.Scalar;
  /** Whether tfjs-backend-wasm 4.22 has every gradient kernel this model needs. */
  readonly trainsOnWasm: boolean;
}

const labels = () => tf.tensor1d([0, 1, 2], 'int32');
const crossEntropy = (model: Model, x: tf.Tensor) =>
  tf.tidy(() => softmaxCrossEntropy(model.apply(x, { training: true }), labels()));

const cases: Case[] = [
  {
    config: {
      kind: 'mlp',
      inputSize: 4,
      hidden: [5],
      outputSize: 3,
      activation: 'gelu',
      parameterization: 'ntk',
    },
    input: () => testData([3, 4]),
    loss: (m, x) => tf.tidy(() => squareLoss(m.apply(x), testData([3, 3], 2), MEAN)),
    trainsOnWasm: true,
  },
  {
    config: { kind: 'vae', inputSize: 6, hidden: [4, 4], latent: 2 },
    input: () => tf.sigmoid(testData([3, 6])),
    loss: (m, x) => (m as VaeModel).loss(x, { seed: 1 }),
    trainsOnWasm: true,
  },
  {
    config: {
      kind: 'vit',
      imageSize: 8,
      patchSize: 4,
      width: 8,
      depth: 1,
      heads: 2,
      numClasses: 3,
    },
    input: () => testData([3, 8, 8, 3]),
    loss: crossEntropy,
    trainsOnWasm: true,
  },
  {
    config: {
      kind: 'transformer',
      vocabSize: 5,
      sequenceLength: 4,
      width: 8,
      depth: 1,
      heads: 2,
      embedding: 'oneHot',
      causal: true,
    },
    input: () =>
      tf.tensor2d(
        [
          [1, 2, 3, 4],
          [4, 3, 2, 1],
          [0, 1, 0, 1],
        ],
        [3, 4],
        'int32',
      ),
    loss: (m, x) => tf.tidy(() => softmaxCrossEntropy(m.apply(x), x)),
    trainsOnWasm: true,
  },
  {
    // Its gather gradient needs UnsortedSegmentSum, which the wasm backend lacks.
    config: { kind: 'transformer', vocabSize: 5, sequenceLength: 4, width: 8, depth: 1, heads: 2 },
    input: () =>
      tf.tensor2d(
        [
          [1, 2, 3, 4],
          [4, 3, 2, 1],
          [0, 1, 0, 1],
        ],
        [3, 4],
        'int32',
      ),
    loss: (m, x) => tf.tidy(() => softmaxCrossEntropy(m.apply(x), x)),
    trainsOnWasm: false,
  },
  {
    // Its convolution gradients need Conv2DBackpropFilter, which the wasm backend lacks.
    config: { kind: 'resnet', widths: [2, 4], blocks: [1, 1], numClasses: 3 },
    input: () => testData([3, 4, 4, 3]),
    loss: crossEntropy,
    trainsOnWasm: false,
  },
];

/** Initial weights, output and loss of `c` on `backend`. */
async function run(c: Case, backend: string) {
  await tf.setBackend(backend);
  const model = createModel(c.config);
  const x = c.input();
  const weights = model.getWeights();
  const y = model.apply(x);
  const output = Array.from(y.dataSync());
  const loss = c.loss(model, x);
  const value = loss.dataSync()[0]!;
  tf.dispose([x, y, loss]);
  model.dispose();
  return { weights, output, value };
}

describe('cpu and wasm backends', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of cases) {
    const label = `${c.config.kind}${'embedding' in c.config && c.config.embedding ? ` (${c.config.embedding})` : ''}`;
    it(`${label}: bit-identical initial weights, matching outputs and loss`, async () => {
      const cpu = await run(c, 'cpu');
      const wasm = await run(c, 'wasm');
      expect(wasm.weights).toEqual(cpu.weights);
      expect(maxRelativeError(wasm.output, cpu.output)).toBeLessThan(1e-4);
      expect(maxRelativeError([wasm.value], [cpu.value])).toBeLessThan(1e-4);
    });

    if (c.trainsOnWasm) {
      it(`${label}: gradients reach every variable on wasm`, async () => {
        await tf.setBackend('wasm');
        const model = createModel(c.config);
        const x = c.input();
        expectGradientsForEveryVariable(model, () => c.loss(model, x));
        x.dispose();
        model.dispose();
      });
    }
  }
});
