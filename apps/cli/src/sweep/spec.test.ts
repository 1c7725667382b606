import { describe, expect, it } from 'vitest';
import { stat } from './aggregate.js';
import { redactUrl, redisOptions } from './connection.js';
import { expandSweep, parseSweep, withOptimizerKey } from './spec.js';

describe('parseSweep', () => {
  it('expands lists, log grids and integer ranges, the last axis fastest', () => {
    const sweep = parseSweep(
      `base: { optimizer: 'delta-gclip:lr=1,gamma=0.1,delta=0.2' }
axes:
  lr: [0.5, 2]
  gamma: { from: 0.01, to: 1, steps: 3, scale: log }
  seed: { from: 3, to: 4 }`,
      'g.yaml',
    );
    expect(sweep.name).toBe('g');
    expect(sweep.axes.map((a) => [a.name, a.values])).toEqual([
      ['lr', [0.5, 2]],
      ['gamma', [0.01, 0.1, 1]],
      ['seed', [3, 4]],
    ]);
    const runs = expandSweep(sweep);
    expect(runs).toHaveLength(12);
    expect(runs[1]!.label).toBe('lr=0.5 gamma=0.01 seed=4');
    expect(runs[11]!.options).toEqual({ optimizer: 'delta-gclip:lr=2,gamma=1,delta=0.2', seed: 4 });
  });

  it('lets an optimizer axis replace the spec that lr then edits', () => {
    const runs = expandSweep(
      parseSweep('{"axes": {"optimizer": ["sgd:lr=1", "adam:lr=0.01"], "lr": [0.1]}}', 'o.json'),
    );
    expect(runs.map((r) => r.options.optimizer)).toEqual(['sgd:lr=0.1', 'adam:lr=0.1']);
  });

  it('names the bad part with the flag rules', () => {
    expect(() => parseSweep('axes: { epoch: [1] }', 's.yaml')).toThrow(
      "s.yaml: unknown axis 'epoch'. Did you mean 'epochs'?",
    );
    expect(() => parseSweep('axes: { epochs: [0] }', 's.yaml')).toThrow(
      's.yaml: axis epochs must be an integer >= 1 (got 0)',
    );
    expect(() =>
      parseSweep('axes: { lr: { from: 0, to: 1, steps: 3, scale: log } }', 's.yaml'),
    ).toThrow("s.yaml: axis 'lr': a log grid needs from > 0 and to > 0 (got from 0, to 1)");
    expect(() => parseSweep('axes: { seed: { from: 0, to: 20000 } }', 's.yaml')).toThrow(
      's.yaml: 20001 runs is more than 10000: split the sweep into several files',
    );
  });
});

describe('withOptimizerKey', () => {
  it('replaces lr under any of its names and appends new keys', () => {
    expect(withOptimizerKey('sgd:eta=1,wd=0.1', 'lr', 0.5)).toBe('sgd:eta=0.5,wd=0.1');
    expect(withOptimizerKey('delta-gclip:lr=1', 'delta', 0.01)).toBe('delta-gclip:lr=1,delta=0.01');
  });
});

describe('stat', () => {
  it('is the mean and the sample standard deviation of the finite values', () => {
    expect(stat([1, 2, 3, 4, null, Number.NaN])).toEqual({
      n: 4,
      mean: 2.5,
      std: Math.sqrt(5 / 3),
    });
    expect(stat([7])).toEqual({ n: 1, mean: 7, std: 0 });
    expect(stat([])).toEqual({ n: 0, mean: null, std: null });
  });
});

describe('redis URLs', () => {
  it('passes user, password, db and TLS to ioredis and never prints the password', () => {
    expect(redisOptions('rediss://bob:s%40cret@h.example:6380/2')).toEqual({
      host: 'h.example',
      port: 6380,
      username: 'bob',
      password: 's@cret',
      db: 2,
      tls: { servername: 'h.example' },
      maxRetriesPerRequest: null,
    });
    expect(redactUrl('redis://:hunter2@10.0.0.5:6379')).toBe('redis://:***@10.0.0.5:6379');
    expect(() => redisOptions('http://:hunter2@x:1')).toThrow(
      '--queue must start with redis:// or rediss:// (got "http://:***@x:1")',
    );
  });
});
