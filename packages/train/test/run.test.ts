import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointer, jsonlLog, readResumeState } from '../src/node/index.js';
import { type RunSpec, runExperiment } from '../src/run.js';

const spec: RunSpec = {
  task: {
    dataset: {
      name: 'teacher-student',
      options: { numSamples: 64, inputDim: 4, hiddenWidths: [8], seed: 2 },
    },
    model: {
      kind: 'mlp',
      inputSize: 4,
      hidden: [64],
      outputSize: 1,
      parameterization: 'ntk',
      seed: 3,
    },
    loss: { kind: 'square', reduction: 'mean', half: true },
  },
  optimizer: {
    className: 'deltaclip.DeltaGClip',
    config: { learningRate: 0.5, gamma: 0.05, delta: 0.1 },
  },
  schedule: { kind: 'stepDecay', boundaries: [3], factor: 0.5, unit: 'epoch', stepsPerEpoch: 0 },
  epochs: 6,
  batchSize: 8,
  seed: 4,
  analysis: { every: 10, tangentKernelSamples: 8, hessianIterations: 3 },
};

describe('runExperiment', () => {
  it('runs a spec end to end with PL* analysis, and resumes from disk exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltaclip-run-'));
    try {
      const straight = await runExperiment(spec, { prefix: 'run_straight' });
      expect(straight.stepsPerEpoch).toBe(7);
      expect(straight.result.position.step).toBe(42);
      const analysis = straight.result.history.analysis;
      expect(analysis.map((r) => r.step)).toEqual([0, 10, 20, 30, 40]);
      for (const r of analysis) expect(typeof r.mu).toBe('number');
      const total = Object.values(straight.regimeCounts).reduce((a, b) => a + b, 0);
      expect(total).toBe(42);

      // Interrupted at step 17 with a checkpoint, then resumed from disk.
      const ckpt = join(dir, 'ckpt');
      const log = join(dir, 'run.jsonl');
      const first = await runExperiment(
        { ...spec, maxSteps: 17 },
        { prefix: 'run_first', callbacks: [checkpointer({ dir: ckpt, run: spec }), jsonlLog(log)] },
      );
      expect(first.result.stopped).toBe(true);
      const { spec: saved, resume } = readResumeState(ckpt);
      expect(saved).toEqual(spec);
      expect(resume.position).toEqual({ step: 17, epoch: 2, batch: 3 });
      const rest = await runExperiment(saved, {
        prefix: 'run_rest',
        resume,
        callbacks: [jsonlLog(log)],
      });
      expect(rest.result.position).toEqual(straight.result.position);
      expect(rest.result.history.steps.map((s) => s.loss)).toEqual(
        straight.result.history.steps.map((s) => s.loss),
      );
      expect(rest.result.history.epochs.map((e) => e.train)).toEqual(
        straight.result.history.epochs.map((e) => e.train),
      );
      expect(rest.regimeCounts).toEqual(straight.regimeCounts);
      const lines = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      expect(lines.filter((l) => l.type === 'step')).toHaveLength(42);
      expect(lines.filter((l) => l.type === 'begin')).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
