import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { VariableNameCollisionError } from './errors.js';
import { createMlp } from './models/mlp.js';
import { ParameterStore, resolvePrefix } from './parameter-store.js';

const config = { kind: 'mlp', inputSize: 2, hidden: [3], outputSize: 1 } as const;

describe('variable names and prefixes', () => {
  it('gives each live model a free prefix by default: name, name_1, name_2, ...', () => {
    const models = [createMlp(config), createMlp(config), createMlp(config)];
    expect(models.map((m) => m.prefix)).toEqual(['mlp', 'mlp_1', 'mlp_2']);
    models[0]!.dispose();
    const again = createMlp(config);
    expect(again.prefix).toBe('mlp'); // freed by dispose
    for (const m of [again, models[1]!, models[2]!]) m.dispose();
  });

  it('throws a clear error when an explicit prefix is taken, and leaves nothing behind', () => {
    const a = createMlp({ ...config, prefix: 'sgd' });
    const before = tf.memory().numTensors;
    expect(() => createMlp({ ...config, prefix: 'sgd' })).toThrow(VariableNameCollisionError);
    expect(() => createMlp({ ...config, prefix: 'sgd' })).toThrow(
      "Cannot create model variables with prefix 'sgd': variable 'sgd/dense0/kernel' already exists (another live model uses this prefix). " +
        'Give each model its own prefix (config.prefix), leave prefix unset to get a free one, or dispose the other model first.',
    );
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    expect(resolvePrefix('sgd', 'mlp')).toBe('sgd');
  });

  it('initial values depend on the seed and the relative name only, not on prefix or order', () => {
    const one = new ParameterStore('one', 3);
    const two = new ParameterStore('two', 3);
    const a1 = one.weight('a', [4], { kind: 'normal', std: 1 });
    const b1 = one.weight('b', [4], { kind: 'normal', std: 1 });
    const b2 = two.weight('b', [4], { kind: 'normal', std: 1 });
    const a2 = two.weight('a', [4], { kind: 'normal', std: 1 });
    expect(a2.dataSync()).toEqual(a1.dataSync());
    expect(b2.dataSync()).toEqual(b1.dataSync());
    expect(b1.dataSync()).not.toEqual(a1.dataSync());
    expect(one.relativeName(b1)).toBe('b');
    expect(b1.name).toBe('one/b');
    one.dispose();
    two.dispose();
  });

  it('rejects an empty prefix or one ending in a slash', () => {
    expect(() => createMlp({ ...config, prefix: '' })).toThrow(
      'prefix must be a non-empty string not ending in \'/\' (got "")',
    );
    expect(() => createMlp({ ...config, prefix: 'a/' })).toThrow('(got "a/")');
  });
});
