import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deltaGClip } from './delta-gclip.js';
import { optimizerFromConfig } from './optimizer-from-config.js';

describe('optimizerFromConfig', () => {
  it('rebuilds an optimizer from its getConfig() output', () => {
    const original = deltaGClip({ learningRate: 0.3, gamma: 2, delta: 0.05 });
    const rebuilt = optimizerFromConfig({
      className: original.getClassName(),
      config: original.getConfig(),
    });
    expect(rebuilt.getClassName()).toBe(original.getClassName());
    expect(rebuilt.getConfig()).toEqual(original.getConfig());
    original.dispose();
    rebuilt.dispose();
  });

  it('names an unknown className and the registered optimizers', () => {
    expect(() => optimizerFromConfig({ className: 'DeltaGclip', config: {} })).toThrow(
      /unknown optimizer className 'DeltaGclip' \(registered optimizers: .*DeltaGClip/,
    );
  });

  it('rejects a value that is not { className, config }', () => {
    expect(() => optimizerFromConfig('sgd' as never)).toThrow(
      'an optimizer is described as { className, config } (got "sgd")',
    );
  });

  it('works for tfjs optimizers too', () => {
    const opt = optimizerFromConfig({ className: 'SGD', config: { learningRate: 0.1 } });
    expect(opt).toBeInstanceOf(tf.SGDOptimizer);
    opt.dispose();
  });
});
