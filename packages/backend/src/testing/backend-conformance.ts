import { deltaGClip, deltaGClipPerTensor, gClip } from '@deltaclip/core';
import { describeOptimizerConformance } from '@deltaclip/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { gradientsRegistered } from '../ensure-gradients.js';
import type { BackendAdapter, BackendLoadOptions } from '../spec.js';
import { type SelectedBackend, useBackend } from '../use-backend.js';
import {
  REFERENCE_MODELS,
  type ReferenceModel,
  referenceLossCurve,
} from '../workloads/reference-training.js';

export interface BackendConformanceOptions {
  /** The backend under test: a name the registry resolves, or an adapter. */
  readonly backend: string | BackendAdapter;
  readonly loadOptions?: BackendLoadOptions;
  /** The backend whose loss curves the tested one must match (default `cpu`). */
  readonly reference?: string;
  /** Largest relative difference allowed between the two loss curves, step by step (default 1e-4). */
  readonly tolerance?: number;
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
 * The contract of a backend for deltaclip, as a vitest suite: core's optimizer conformance suite
 * (δ-GClip, GClip, the per-tensor variant, a wrapped tfjs optimizer) on the backend, and the
 * reference models (an MLP for 50 δ-GClip steps, a conv net, an embedding + attention model)
 * trained from the same seed on the backend and on `cpu`, with loss curves that agree within
 * `tolerance` relative at every step. Selects the backend first (call with top-level await).
 *
 * @example
 * // wasm.conformance.test.ts
 * await describeBackendConformance({ backend: wasmBackend });
 */
export async function describeBackendConformance(
  options: BackendConformanceOptions,
): Promise<SelectedBackend> {
  const reference = options.reference ?? 'cpu';
  const tolerance = options.tolerance ?? 1e-4;
  const models = options.models ?? REFERENCE_MODELS;
  const selected = await useBackend(options.backend, options.loadOptions);
  const select = () => useBackend(selected.name, options.loadOptions);

  describe(`backend conformance: ${selected.name} (${selected.variant})`, () => {
    beforeEach(async () => {
      if (tf.getBackend() !== selected.tfBackend) await select();
    });

    it('is the active tfjs backend, with gradients registered and its info filled in', () => {
      expect(tf.getBackend()).toBe(selected.tfBackend);
      expect(gradientsRegistered()).toBe(true);
      expect(Number.isInteger(selected.threads) && selected.threads >= 1).toBe(true);
      expect(selected.devices.length).toBeGreaterThan(0);
      expect(selected.versions['tfjs-core']).toBe(tf.version_core);
    });

    for (const model of models) {
      const steps = options.steps?.[model] ?? DEFAULT_STEPS[model];
      it(`trains the reference ${model} like ${reference}: ${steps} δ-GClip steps, losses within ${tolerance} relative`, async () => {
        const before = tf.memory().numTensors;
        const tested = await referenceLossCurve(model, steps);
        expect(tf.memory().numTensors).toBe(before);
        await useBackend(reference);
        const expected = await referenceLossCurve(model, steps);
        await select();
        expect(tested.every(Number.isFinite)).toBe(true);
        expect(tested.at(-1)!).toBeLessThan(0.9 * tested[0]!);
        expect(maxRelativeDifference(tested, expected)).toBeLessThanOrEqual(tolerance);
      });
    }

    describeOptimizerConformance({
      name: 'deltaGClip',
      create: () => deltaGClip({ learningRate: 0.2, gamma: 0.5, delta: 0.05 }),
    });
    describeOptimizerConformance({
      name: 'gClip',
      create: () => gClip({ learningRate: 0.2, gamma: 0.5 }),
    });
    describeOptimizerConformance({
      name: 'deltaGClipPerTensor with decoupled weight decay',
      create: () =>
        deltaGClipPerTensor({
          learningRate: 0.2,
          gamma: 0.5,
          delta: 0.05,
          weightDecay: 1e-3,
          decoupledWeightDecay: true,
        }),
    });
  });
  return selected;
}
