import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testData } from '../test/helpers.js';
import type { ModelConfig } from './create-model.js';
import { createModel } from './create-model.js';
import { MlpModel } from './models/mlp.js';
import { ResNetModel } from './models/resnet.js';
import { TransformerModel } from './models/transformer.js';
import { VaeModel } from './models/vae.js';
import { VitModel } from './models/vit.js';
import { MODEL_PRESETS } from './presets.js';

const tinyConfigs: ModelConfig[] = [
  { kind: 'mlp', inputSize: 3, hidden: [4], outputSize: 2, parameterization: 'ntk', seed: 5 },
  { kind: 'resnet', widths: [2, 4], blocks: [1, 1], numClasses: 3, seed: 5 },
  { kind: 'vae', inputSize: 6, hidden: [4], latent: 2, seed: 5 },
  { kind: 'vit', imageSize: 4, patchSize: 2, width: 4, depth: 1, heads: 2, numClasses: 2, seed: 5 },
  { kind: 'transformer', vocabSize: 4, sequenceLength: 3, width: 4, depth: 1, heads: 2, seed: 5 },
];

describe('createModel', () => {
  it('builds each kind', () => {
    const classes = [MlpModel, ResNetModel, VaeModel, VitModel, TransformerModel];
    tinyConfigs.forEach((config, i) => {
      const model = createModel(config);
      expect(model).toBeInstanceOf(classes[i]);
      expect(model.name).toBe(config.kind);
      model.dispose();
    });
  });

  it('rebuilds bit-identical weights from model.config, also after a JSON round trip', () => {
    for (const config of tinyConfigs) {
      const a = createModel(config);
      const b = createModel(JSON.parse(JSON.stringify(a.config)) as ModelConfig);
      expect(b.config).toEqual(a.config);
      expect(b.getWeights()).toEqual(a.getWeights());
      a.dispose();
      b.dispose();
    }
  });

  it('fills in every default in model.config', () => {
    const model = createModel({ kind: 'vit', preset: 'vit-mini' });
    expect(model.config).toEqual({
      kind: 'vit',
      preset: 'vit-mini',
      seed: 0,
      imageSize: 32,
      channels: 3,
      patchSize: 4,
      width: 64,
      depth: 4,
      heads: 4,
      mlpRatio: 2,
      numClasses: 10,
      pooling: 'cls',
      layerNormEpsilon: 1e-6,
    });
    model.dispose();
  });

  it('takes a preset and lets explicit fields override it', () => {
    const model = createModel({
      kind: 'resnet',
      preset: 'resnet18',
      widths: [4, 8, 8, 8],
      blocks: [1, 1, 1, 1],
    });
    expect(model.name).toBe('resnet18');
    expect(model.config).toMatchObject({
      widths: [4, 8, 8, 8],
      blocks: [1, 1, 1, 1],
      numClasses: 10,
    });
    model.dispose();
    const seq = createModel({
      kind: 'transformer',
      preset: 'transformer-mini',
      vocabSize: 7,
      sequenceLength: 5,
    });
    expect(seq.config).toMatchObject({ width: 64, depth: 2, heads: 4, vocabSize: 7 });
    const x = tf.zeros([1, 5], 'int32');
    const y = seq.apply(x);
    expect(y.shape).toEqual([1, 5, 7]);
    tf.dispose([x, y]);
    seq.dispose();
    expect(Object.keys(MODEL_PRESETS)).toEqual([
      'resnet18',
      'resnet-mini',
      'vae-paper',
      'vit-tiny',
      'vit-mini',
      'transformer-mini',
    ]);
  });

  it('gives a different function for a different seed', () => {
    const x = testData([2, 3]);
    const a = createModel({ kind: 'mlp', inputSize: 3, hidden: [4], outputSize: 2, seed: 1 });
    const b = createModel({ kind: 'mlp', inputSize: 3, hidden: [4], outputSize: 2, seed: 2 });
    const ya = a.apply(x);
    const yb = b.apply(x);
    expect(Array.from(ya.dataSync())).not.toEqual(Array.from(yb.dataSync()));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('rejects unknown kinds and presets', () => {
    expect(() => createModel({ kind: 'lstm' } as never)).toThrow(
      "kind must be one of 'mlp', 'resnet', 'vae', 'vit', 'transformer' (got \"lstm\")",
    );
    expect(() => createModel({ kind: 'resnet', preset: 'resnet50' })).toThrow(
      "preset must be one of 'resnet18', 'resnet-mini', 'vae-paper', 'vit-tiny', 'vit-mini', 'transformer-mini' (got \"resnet50\")",
    );
    expect(() => createModel({ kind: 'mlp', inputSize: 3, outputSize: 1, seed: -2 })).toThrow(
      'seed must be an integer >= 0 (got -2)',
    );
  });
});
