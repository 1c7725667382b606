import type { RunSpec } from '@deltaclip/train';
import { describe, expect, it } from 'vitest';
import { resumeRequest } from './resume-request.js';

const stored = {
  task: {
    dataset: { name: 'cars' },
    model: { kind: 'mlp', inputSize: 6, hidden: [256], outputSize: 1, seed: 0 },
    loss: { kind: 'square', reduction: 'mean', half: true },
  },
  optimizer: {
    className: 'deltaclip.DeltaGClip',
    config: { learningRate: 0.1, gamma: 0.5, delta: 0.05 },
  },
  epochs: 4,
  batchSize: 32,
  seed: 0,
  maxSteps: 19,
  analysis: null,
} as unknown as RunSpec;

const request = (values: Record<string, string | number | boolean>, runtime = {}) =>
  resumeRequest({
    stored,
    runtime,
    position: { step: 19, epoch: 1, batch: 9 },
    values: { backend: 'auto', ...values },
    given: new Set(Object.keys(values)),
    runDir: 'runs/a',
  });

describe('resumeRequest', () => {
  it("drops the interrupted invocation's step limit and takes backend and cadence from the checkpoint", () => {
    const r = request({}, { backend: 'cpu', checkpointEvery: 5 });
    expect(r).toEqual({
      spec: { ...stored, maxSteps: undefined },
      backend: 'cpu',
      checkpointEvery: 5,
    });
    // An older checkpoint without a stored backend falls back to --backend.
    expect(request({}).backend).toBe('auto');
    expect(request({ 'checkpoint-every': 2 }, { checkpointEvery: 5 }).checkpointEvery).toBe(2);
    expect(request({ epochs: 6, 'max-steps': 40 }).spec).toMatchObject({ epochs: 6, maxSteps: 40 });
  });

  it('accepts the settings the run already has, including none for schedule and analysis', () => {
    expect(() =>
      request({
        dataset: 'cars',
        model: 'mlp:hidden=256',
        loss: 'half-mean',
        'batch-size': 32,
        seed: 0,
        schedule: 'constant',
        'analysis-every': 0,
        optimizer: 'delta-gclip:lr=0.1,gamma=0.5,delta=0.05',
        out: 'runs/./a',
        json: true,
      }),
    ).not.toThrow();
  });

  it('refuses an option it has no comparison for, rather than ignoring it', () => {
    expect(() => request({ data: 'mine.csv' })).toThrow(
      "--data mine.csv: cannot be given with --resume, the run's settings come from its checkpoint; only --epochs, --max-steps and --checkpoint-every may change",
    );
    expect(() => request({ overwrite: true })).toThrow(
      "--overwrite does not apply to --resume: a run's checkpoints are never replaced; start a new run with --out to begin again",
    );
  });

  it('names the analysis setting a flag would change', () => {
    expect(() => request({ 'analysis-every': 10 })).toThrow(
      '--analysis-every 10: cannot change analysis when resuming (checkpoint: null, requested: {"every":10})',
    );
    expect(() => request({ 'limit-train': 100 })).toThrow(
      '--limit-train 100: cannot change task.dataset.limit when resuming (checkpoint: undefined, requested: {"train":100})',
    );
  });
});
