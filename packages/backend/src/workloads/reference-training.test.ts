import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  createReferenceTraining,
  REFERENCE_MODELS,
  referenceLossCurve,
} from './reference-training.js';

describe('reference trainings', () => {
  for (const model of REFERENCE_MODELS) {
    it(`${model}: deterministic, descending, visiting every δ-GClip regime, leak-free`, async () => {
      await tf.setBackend('cpu');
      const before = tf.memory().numTensors;
      const run = createReferenceTraining(model);
      const losses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const loss = run.step();
        losses.push(loss.dataSync()[0]!);
        loss.dispose();
      }
      const counts = await (
        run.optimizer as unknown as { telemetry: { counts(): Promise<Record<string, number>> } }
      ).telemetry.counts();
      expect(run.parameterCount).toBeGreaterThan(500);
      run.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)!).toBeLessThan(0.9 * losses[0]!);
      expect(counts.floored).toBeGreaterThan(0);
      expect(counts.clipped).toBeGreaterThan(0);
      expect(counts.unclipped).toBeGreaterThan(0);
      expect(await referenceLossCurve(model, 20)).toEqual(losses);
      expect(await referenceLossCurve(model, 3, { seed: 2 })).not.toEqual(losses.slice(0, 3));
    });
  }

  it('rejects unknown models and bad sizes', () => {
    expect(() => createReferenceTraining('rnn' as never)).toThrow(
      `model must be one of 'mlp', 'cnn', 'embedding' (got "rnn")`,
    );
    expect(() => createReferenceTraining('mlp', { batchSize: 0 })).toThrow(
      'batchSize must be an integer >= 1 (got 0)',
    );
  });

  it('builds the benchmark presets', () => {
    const sizes = REFERENCE_MODELS.map((model) => {
      const run = createReferenceTraining(model, { preset: 'benchmark' });
      const size = [run.batchSize, run.parameterCount];
      run.dispose();
      return size;
    });
    expect(sizes).toEqual([
      [128, 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10],
      [32, 9 * 16 + 16 + 9 * 16 * 32 + 32 + 32 + 6 * 6 * 32 * 10 + 10],
      [32, 1000 * 64 + 32 * 64 + 64 + 64 + 3 * 64 * 64 + 64 * 10 + 10],
    ]);
  });
});
