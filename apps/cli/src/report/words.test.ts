import { describe, expect, it } from 'vitest';
import { describeDataset, describeLoss, describeModel } from './words.js';

describe('model, loss and data in words', () => {
  it('an MLP as its layer sizes and activation', () => {
    expect(
      describeModel({ kind: 'mlp', inputSize: 2, hidden: [64, 64], outputSize: 2, seed: 0 }),
    ).toBe('MLP 2-64-64-2, ReLU');
    expect(
      describeModel({
        kind: 'mlp',
        inputSize: 6,
        hidden: [1024],
        outputSize: 1,
        parameterization: 'ntk',
      }),
    ).toBe('MLP 6-1024-1, ReLU, NTK parameterization');
    expect(
      describeModel({
        kind: 'mlp',
        inputSize: 3,
        outputSize: 1,
        activation: 'leakyRelu',
        leakyReluAlpha: 0.1,
        bias: false,
      }),
    ).toBe('MLP 3-1, LeakyReLU 0.1, no biases');
  });

  it('other kinds by name and preset, with the fields the words do not cover', () => {
    expect(describeModel({ kind: 'resnet', preset: 'resnet-mini', seed: 3 })).toBe(
      'ResNet (preset resnet-mini)',
    );
    expect(describeModel({ kind: 'vit', patchSize: 4, width: 64 })).toBe(
      'ViT, patchSize 4, width 64',
    );
    expect(
      describeModel({
        kind: 'vae',
        inputSize: 784,
        hidden: [50, 50],
        latent: 20,
        preset: 'vae-paper',
      }),
    ).toBe('VAE 784-50-50 (preset vae-paper), latent 20');
  });

  it('losses as the run logs and the certificate name them', () => {
    expect(describeLoss({ kind: 'square', reduction: 'mean', half: true })).toBe(
      '0.5 * mean squared error',
    );
    expect(describeLoss({ kind: 'square', reduction: 'sum' })).toBe('summed squared error');
    expect(describeLoss({ kind: 'cross-entropy' })).toBe('softmax cross-entropy');
    expect(describeLoss({ kind: 'hinge' })).toBe('{"kind":"hinge"}');
  });

  it('a data set by name, with its target and dropped columns', () => {
    expect(describeDataset({ name: 'cars' })).toBe('cars');
    expect(
      describeDataset({ name: 'my.csv', file: '/x/my.csv', target: 'mpg', drop: ['name', 'id'] }),
    ).toBe('my.csv (target mpg; without name, id)');
  });
});
