import { CLIPPING_SUBJECTS, describeOptimizerConformance } from '@deltaclip/core/testing';
import { gradientsRegistered } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { cpuBackend } from '../adapters/cpu.js';
import type { BackendAdapter, BackendLoadOptions } from '../spec.js';
import { type SelectedBackend, useBackend } from '../use-backend.js';
import { float64MlpLossCurve } from '../workloads/float64-mlp.js';
import {
  REFERENCE_MODELS,
  type ReferenceModel,
  referenceLossCurve,
  referenceMlpSetup,
} from '../workloads/reference-training.js';

/**
 * Default agreement of a float32 backend with the float64 reference MLP, relative, at every one
 * of its 50 steps. Float32's unit round-off is u = 2^-24 ≈ 6e-8: the first loss already differs
 * from float64 by about u (the data path rounded once), and each step's rounded update moves the
 * trajectory by a few u more, so a faithful float32 backend stays within ~50 steps × a few u ≈
 * 1e-6 (measured: cpu 2.5e-7, wasm 6.8e-7). 1e-5 leaves room for another summation order, while a
 * step size off by 0.1% already shows as 2e-3.
 */
export const FLOAT32_MLP_TOLERANCE = 1e-5;

export interface BackendConformanceOptions {
  /** The backend under test. */
  readonly backend: BackendAdapter;
  readonly loadOptions?: BackendLoadOptions;
  /**
   * Largest relative difference allowed between the backend's MLP loss curve and the float64
   * reference, step by step (default {@link FLOAT32_MLP_TOLERANCE}). A GPU computing in TF32
   * needs about 1e-2.
   */
  readonly tolerance?: number;
  /**
   * The conv net and the embedding model have no float64 reference; they are trained on this
   * backend too (default cpu, itself checked against float64 through the MLP) and must agree
   * within `crossTolerance`. Skipped, saying so, when it is the backend under test.
   */
  readonly crossCheck?: BackendAdapter;
  /** Largest relative difference between the cnn/embedding curves and `crossCheck`'s (default 1e-4). */
  readonly crossTolerance?: number;
  /** Reference models to train (default all: mlp, cnn, embedding). */
  readonly models?: readonly ReferenceModel[];
  /** δ-GClip steps per model (default mlp 50, cnn 20, embedding 20). */
  readonly steps?: Partial<Record<ReferenceModel, number>>;
}

const DEFAULT_STEPS: Record<ReferenceModel, number> = { mlp: 50, cnn: 20, embedding: 20 };

/** Largest |a_i - b_i| / max(|b_i|, 1e-12) over two curves of equal length. */
export function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length)
    throw new RangeError(`curves differ in length (${a.length} vs ${b.length})`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-12);
    if (Number.isNaN(d)) return Number.NaN;
    if (d > worst) worst = d;
  }
  return worst;
}

/**
 * The contract of a backend for deltaclip, as a vitest suite:
 * - the reference MLP trained for 50 δ-GClip steps on the backend matches an independent float64
 *   implementation in plain JavaScript ({@link float64MlpLossCurve}) within `tolerance`;
 * - the conv net and the embedding + attention model, trained from the same seed, match
 *   `crossCheck` (cpu by default) within `crossTolerance`, and descend;
 * - core's optimizer conformance suite (δ-GClip, GClip, the per-tensor variant, a wrapped tfjs
 *   optimizer) passes on the backend.
 * Selects the backend first (call with top-level await).
 *
 * @example
 * // wasm.conformance.test.ts
 * await describeBackendConformance({ backend: wasmBackend });
 */
export async function describeBackendConformance(
  options: BackendConformanceOptions,
): Promise<SelectedBackend> {
  const tolerance = options.tolerance ?? FLOAT32_MLP_TOLERANCE;
  const crossCheck = options.crossCheck ?? cpuBackend;
  const crossTolerance = options.crossTolerance ?? 1e-4;
  const models = options.models ?? REFERENCE_MODELS;
  const selected = await useBackend(options.backend, options.loadOptions);
  const select = () => useBackend(options.backend, options.loadOptions);
  const selfCheck = crossCheck.tfBackend === selected.tfBackend;

  describe(`backend conformance: ${selected.name} (${selected.variant})`, () => {
    beforeEach(async () => {
      if (tf.getBackend() !== selected.tfBackend) await select();
    });

    it('is the active tfjs backend, with gradients registered and its info filled in', () => {
      expect(tf.getBackend()).toBe(selected.tfBackend);
      expect(gradientsRegistered(tf)).toBe(true);
      expect(Number.isInteger(selected.threads) && selected.threads >= 1).toBe(true);
      expect(selected.devices.length).toBeGreaterThan(0);
      expect(selected.versions['tfjs-core']).toBe(tf.version_core);
    });

    for (const model of models) {
      const steps = options.steps?.[model] ?? DEFAULT_STEPS[model];
      if (model === 'mlp') {
        it(`trains the reference mlp like float64 JavaScript: ${steps} δ-GClip steps, losses within ${tolerance} relative`, async () => {
          const before = tf.memory().numTensors;
          const tested = await referenceLossCurve('mlp', steps);
          expect(tf.memory().numTensors).toBe(before);
          const { problem, deltaGClip: settings } = referenceMlpSetup();
          const expected = float64MlpLossCurve(problem, settings, steps);
          expect(tested.every(Number.isFinite)).toBe(true);
          expect(tested.at(-1)!).toBeLessThan(0.9 * tested[0]!);
          expect(maxRelativeDifference(tested, expected)).toBeLessThanOrEqual(tolerance);
        });
        continue;
      }
      const title = selfCheck
        ? `trains the reference ${model}: ${steps} δ-GClip steps, finite, descending, leak-free (no cross-check: ${crossCheck.name} is the backend under test)`
        : `trains the reference ${model} like ${crossCheck.name}: ${steps} δ-GClip steps, losses within ${crossTolerance} relative`;
      it(title, async () => {
        const before = tf.memory().numTensors;
        const tested = await referenceLossCurve(model, steps);
        expect(tf.memory().numTensors).toBe(before);
        expect(tested.every(Number.isFinite)).toBe(true);
        expect(tested.at(-1)!).toBeLessThan(0.9 * tested[0]!);
        if (selfCheck) return;
        await useBackend(crossCheck);
        const expected = await referenceLossCurve(model, steps);
        await select();
        expect(maxRelativeDifference(tested, expected)).toBeLessThanOrEqual(crossTolerance);
      });
    }

    for (const subject of CLIPPING_SUBJECTS) describeOptimizerConformance(subject);
  });
  return selected;
}
