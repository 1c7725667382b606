import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG, Dataset } from '@deltaclip/datasets';
import { createModel } from '@deltaclip/models';
import { rngFor } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import {
  EXPERIMENTS,
  type ExperimentPlan,
  experimentVariants,
  NOT_REPRODUCED,
  PAPER_VIT_DELTAS,
} from '../src/experiments.js';
import { loadDatasetNode } from '../src/node/loader.js';
import { createObjective } from '../src/objectives.js';
import { type RunSpec, runExperiment } from '../src/run.js';
import { createRunOptimizer, validateRunOptimizer } from '../src/run-optimizer.js';
import type { DatasetLoader, DatasetSpec } from '../src/task.js';

const NAMES = ['theory', 'resnet-cifar10', 'vae-fashion-mnist', 'vit-cifar10', 'vit-small-cifar10'];

/** Official training-split sizes of the file datasets (their publishers' numbers). */
const TRAIN_SIZE: Record<string, number> = { 'cifar-10': 50_000, 'fashion-mnist': 60_000 };

function variants(name: string): [string, ExperimentPlan][] {
  return experimentVariants(EXPERIMENTS[name]!);
}

function trainSize(dataset: DatasetSpec): number {
  const full =
    TRAIN_SIZE[dataset.name] ??
    // Synthetic: numSamples less the held-out test fraction.
    Math.round((dataset.options!.numSamples as number) * (1 - (dataset.split?.test ?? 0.2)));
  return Math.min(full, dataset.limit?.train ?? full);
}

describe('EXPERIMENTS: every plan builds and its run specs validate', () => {
  it('lists the experiments under their own names; every one but theory has the paper variant', () => {
    for (const e of Object.values(EXPERIMENTS)) {
      expect(variants(e.name).map(([v]) => v)).toEqual(
        e.name === 'theory' ? ['laptop', 'large'] : ['laptop', 'paper'],
      );
    }
    expect(Object.keys(EXPERIMENTS).sort()).toEqual([...NAMES].sort());
    for (const [key, e] of Object.entries(EXPERIMENTS)) expect(e.name).toBe(key);
  });

  for (const name of NAMES) {
    for (const [variant, plan] of variants(name)) {
      it(`${name} (${variant})`, () => {
        const experiment = EXPERIMENTS[name]!;
        const { dataset } = plan.base.task;
        const entry = CATALOG.find((c) => c.name === dataset.name);
        expect(entry, `dataset '${dataset.name}' is in the catalog`).toBeDefined();
        expect(experiment.needsData).toBe(entry!.kind === 'files');
        expect(plan.optimizers.length).toBeGreaterThan(0);

        const size = trainSize(dataset);
        const batch = plan.base.batchSize === 'full' ? size : plan.base.batchSize;
        expect(batch).toBeLessThanOrEqual(size);
        const stepsPerEpoch = Math.ceil(size / batch);
        const schedule = plan.base.schedule;
        if (schedule?.kind === 'stepDecay') {
          // Every decay happens within the run.
          for (const b of schedule.boundaries) expect(b).toBeLessThan(plan.base.epochs);
        }

        createObjective(plan.base.task.loss);
        const model = createModel(plan.base.task.model);
        expect(model.parameterCount).toBeGreaterThan(0);
        model.dispose();

        for (const optimizer of plan.optimizers) {
          const spec: RunSpec = { ...plan.base, optimizer };
          // Run specs are what checkpoints store: plain JSON that survives a round trip.
          expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
          expect(validateRunOptimizer(optimizer)).toEqual(optimizer);
          const built = createRunOptimizer(optimizer, {
            ...(schedule
              ? { schedule: { ...schedule, stepsPerEpoch } as NonNullable<typeof schedule> }
              : {}),
          });
          built.dispose();
        }
        // Labels tell apart optimizers of one class in a comparison.
        const keys = plan.optimizers.map((o) => o.label ?? o.className);
        expect(new Set(keys).size).toBe(keys.length);
      });
    }
  }

  it('the laptop default races the same optimizers as the paper, for fewer epochs', () => {
    for (const name of NAMES) {
      const e = EXPERIMENTS[name]!;
      const big = (e.paper ?? e.large)!;
      expect(e.laptop.optimizers).toEqual(big.optimizers);
      expect(e.laptop.base.epochs).toBeLessThanOrEqual(big.base.epochs);
      expect(e.laptop.base.task.loss).toEqual(big.base.task.loss);
      // A laptop default that differs from the paper says how.
      if (e.paper) expect(e.laptopDeviations.length).toBeGreaterThan(0);
    }
  });
});

describe("EXPERIMENTS: the paper's settings (paper-notes section 3)", () => {
  const hyper = (plan: ExperimentPlan) =>
    plan.optimizers.map((o) => [
      o.className,
      o.config.learningRate,
      o.config.gamma,
      o.config.delta,
    ]);

  it('ResNet-18 on CIFAR-10', () => {
    const { base, optimizers } = EXPERIMENTS['resnet-cifar10']!.paper!;
    expect(base.batchSize).toBe(512);
    expect(base.epochs).toBe(200);
    expect(base.task.loss).toEqual({ kind: 'cross-entropy' });
    expect(base.schedule).toMatchObject({ kind: 'stepDecay', boundaries: [100, 150], factor: 0.1 });
    expect(hyper({ base, optimizers })).toEqual([
      ['deltaclip.SGD', 1, undefined, undefined],
      ['deltaclip.DeltaGClip', 5, 0.25, 1e-3],
      ['deltaclip.DeltaGClip', 5, 0.25, 1e-8],
      ['deltaclip.GClip', 5, 0.25, undefined],
      ['deltaclip.Adam', 1e-4, undefined, undefined],
    ]);
    const model = createModel(base.task.model);
    // CIFAR ResNet-18 (BasicBlock 2-2-2-2, widths 64-512) with 10 classes.
    expect(model.parameterCount).toBe(11_173_962);
    model.dispose();
  });

  it('VAE on Fashion-MNIST', () => {
    const plan = EXPERIMENTS['vae-fashion-mnist']!.paper!;
    expect(plan.base.batchSize).toBe(100);
    expect(plan.base.epochs).toBe(200);
    expect(plan.base.task.loss).toEqual({ kind: 'vae' });
    expect(hyper(plan)).toEqual([
      ['deltaclip.Adam', 1e-3, undefined, undefined],
      ['deltaclip.SGD', 1e-4, undefined, undefined],
      ['deltaclip.GClip', 1e-3, 200, undefined],
      ['deltaclip.DeltaGClip', 1e-3, 200, 0.1],
    ]);
    const model = createModel(plan.base.task.model);
    // 784-50-50, latent 50, mirrored decoder: weights and biases of 7 dense layers.
    const layers = [
      [784, 50],
      [50, 50],
      [50, 50],
      [50, 50],
      [50, 50],
      [50, 50],
      [50, 784],
    ];
    expect(model.parameterCount).toBe(layers.reduce((s, [i, o]) => s + i! * o! + o!, 0));
    model.dispose();
  });

  it('ViT on CIFAR-10', () => {
    const plan = EXPERIMENTS['vit-cifar10']!.paper!;
    expect(plan.base.batchSize).toBe(64);
    expect(plan.base.epochs).toBe(100);
    expect(plan.base.task.model).toMatchObject({ preset: 'vit-tiny' });
    const [adam, ...gclips] = plan.optimizers;
    expect(adam).toEqual({
      className: 'deltaclip.Adam',
      config: { learningRate: 5e-4, weightDecay: 1e-5 },
    });
    for (const o of gclips) {
      expect(o.className).toBe('deltaclip.DeltaGClip');
      expect(o.config.learningRate).toBe(0.2);
      expect(o.config.gamma).toBe(1);
      expect(o.config.delta).toBeGreaterThanOrEqual(1e-6);
      expect(o.config.delta).toBeLessThanOrEqual(1e-2);
    }
  });

  it('ViT-small on CIFAR-10: ViT-S/16 sizes, Adam with weight decay 5e-5 in both variants', () => {
    const e = EXPERIMENTS['vit-small-cifar10']!;
    expect(e.paper!.base.task.model).toMatchObject({
      kind: 'vit',
      width: 384,
      heads: 6,
      depth: 12,
    });
    expect(e.paper!.base.batchSize).toBe(64);
    expect(e.paper!.base.epochs).toBe(100);
    for (const plan of [e.paper!, e.laptop]) {
      expect(plan.optimizers[0]).toEqual({
        className: 'deltaclip.Adam',
        config: { learningRate: 5e-4, weightDecay: 5e-5 },
      });
    }
    const model = createModel(e.paper!.base.task.model);
    // ViT-S/16 at 64x64 with 10 classes: 12 blocks of 12*384^2 + 13*384 weights, embeddings, head.
    const w = 384;
    const block = 12 * w * w + 13 * w;
    const embed = 16 * 16 * 3 * w + w + (16 + 1) * w + w;
    const head = 2 * w + w * 10 + 10;
    expect(model.parameterCount).toBe(12 * block + embed + head);
    model.dispose();
  });

  it("the paper's δ sweep is 1e-2 ... 1e-6 for both ViTs; DistilBERT is stated as not reproduced", () => {
    expect(PAPER_VIT_DELTAS).toEqual([1e-2, 1e-3, 1e-4, 1e-5, 1e-6]);
    expect(EXPERIMENTS['vit-cifar10']!.paperDeltas).toEqual(PAPER_VIT_DELTAS);
    expect(EXPERIMENTS['vit-small-cifar10']!.paperDeltas).toEqual(PAPER_VIT_DELTAS);
    expect(NOT_REPRODUCED.map((x) => x.name)).toEqual(['distilbert-emotion']);
    expect(NOT_REPRODUCED[0]!.reason).toMatch(/pretrained DistilBERT weights/);
  });

  it("the ResNet laptop default states its batch of 128 against the paper's 512", () => {
    const e = EXPERIMENTS['resnet-cifar10']!;
    expect(e.laptop.base.batchSize).toBe(128);
    expect(e.laptopDeviations.join('\n')).toContain("Batch 128 instead of the paper's 512");
  });

  it('the theory setting: full-batch 0.5 * mean squared error, calibrated', () => {
    const e = EXPERIMENTS.theory!;
    expect(e.calibrated).toBe(true);
    expect(e.paper).toBeUndefined();
    for (const plan of [e.large!, e.laptop]) {
      expect(plan.base.batchSize).toBe('full');
      expect(plan.base.task.loss).toEqual({ kind: 'square', reduction: 'mean', half: true });
      expect(plan.base.task.model).toMatchObject({ kind: 'mlp', parameterization: 'ntk' });
    }
    const calibratedElsewhere = Object.values(EXPERIMENTS).filter((x) => x.calibrated);
    expect(calibratedElsewhere.map((x) => x.name)).toEqual(['theory']);
  });
});

// ---- Tiny variants: a few steps of every experiment on the cpu backend -------------------------

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const haveFashion = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'].every(
  (f) => existsSync(join(FASHION_DIR, f)) || existsSync(join(FASHION_DIR, `${f}.gz`)),
);

/**
 * Seeded random images of the file dataset's shape, for datasets whose files this machine lacks
 * (CIFAR here): the experiment's model, loss and optimizers still run end to end.
 */
function standIn(shape: [number, number, number], classes: number, n = 16): DatasetLoader {
  const make = (n: number, stream: string) => {
    const rng = rngFor(7, stream);
    return new Dataset({
      x: Float32Array.from({ length: n * shape[0] * shape[1] * shape[2] }, () => rng.uniform()),
      featureShape: shape,
      y: Int32Array.from({ length: n }, (_, i) => i % classes),
      targetShape: [],
      numClasses: classes,
      metadata: { name: 'stand-in images' },
    } as never);
  };
  return async () => ({ train: make(n, 'train'), test: make(n / 2, 'test') });
}

/** One read of the Fashion-MNIST files for all the runs that use them. */
function cached(loader: DatasetLoader): DatasetLoader {
  const seen = new Map<string, ReturnType<DatasetLoader>>();
  return (spec) => {
    const key = JSON.stringify(spec);
    if (!seen.has(key)) seen.set(key, loader(spec));
    return seen.get(key)!;
  };
}

interface Tiny {
  readonly name: string;
  readonly data: string;
  readonly base: Omit<RunSpec, 'optimizer'>;
  readonly loader: DatasetLoader;
  readonly steps: number;
  /** Which of the plan's optimizers run (all but on the slow cpu convolutions and attention). */
  readonly optimizers: 'all' | 'first δ-GClip';
}

function tiny(name: string): Tiny {
  const { base } = EXPERIMENTS[name]!.laptop;
  const short = { ...base, epochs: 1, maxSteps: 2 };
  switch (name) {
    case 'theory': {
      const model = { ...base.task.model, hidden: [64] } as RunSpec['task']['model'];
      return {
        name,
        data: 'synthetic teacher-student',
        base: {
          ...base,
          task: { ...base.task, model },
          epochs: 3,
          analysis: { every: 2, tangentKernelSamples: 8, hessianIterations: 2 },
        },
        loader: loadDatasetNode,
        steps: 3,
        optimizers: 'all',
      };
    }
    case 'vae-fashion-mnist':
      return {
        name,
        data: haveFashion
          ? `the Fashion-MNIST files in ${FASHION_DIR} (first 100 training images)`
          : `28x28 stand-in images (no Fashion-MNIST files in ${FASHION_DIR})`,
        base: {
          ...short,
          batchSize: 50,
          task: {
            ...base.task,
            dataset: { ...base.task.dataset, dir: FASHION_DIR, limit: { train: 100, test: 20 } },
          },
        },
        loader: haveFashion ? cached(loadDatasetNode) : standIn([28, 28, 1], 10),
        steps: 2,
        optimizers: 'all',
      };
    case 'resnet-cifar10':
      // No CIFAR files on this machine. The ResNet is fully convolutional: 8x8 colour images keep
      // tfjs-cpu's convolutions (about 10 s a step at 32x32) to a fraction of a second.
      return {
        name,
        data: '8x8x3 stand-in images (no CIFAR-10 files here)',
        base: { ...short, batchSize: 2 },
        loader: standIn([8, 8, 3], 10, 4),
        steps: 2,
        optimizers: 'first δ-GClip',
      };
    default:
      // The ViT takes 32x32 images (other sizes are resized to them): a few samples only.
      return {
        name,
        data: '32x32x3 stand-in images (no CIFAR-10 files here)',
        base: { ...short, batchSize: 1 },
        loader: standIn([32, 32, 3], 10, 2),
        steps: 2,
        optimizers: 'first δ-GClip',
      };
  }
}

describe('EXPERIMENTS: a tiny variant of each runs and its losses are finite', () => {
  for (const t of NAMES.map(tiny)) {
    const all = EXPERIMENTS[t.name]!.laptop.optimizers;
    const optimizers =
      t.optimizers === 'all' ? all : [all.find((o) => o.className === 'deltaclip.DeltaGClip')!];
    it(`${t.name} on ${t.data}, ${t.optimizers === 'all' ? 'every optimizer' : 'δ-GClip'}`, async () => {
      for (const [i, optimizer] of optimizers.entries()) {
        const outcome = await runExperiment(
          { ...t.base, optimizer },
          { loader: t.loader, prefix: `tiny_${i}`, recordEvery: 1 },
        );
        const { result } = outcome;
        expect(result.diverged).toBeUndefined();
        expect(result.position.step).toBe(t.steps);
        expect(result.history.steps.map((s) => s.step)).toEqual(
          Array.from({ length: t.steps }, (_, k) => k),
        );
        for (const s of result.history.steps) {
          expect(Number.isFinite(s.loss), `step ${s.step} loss ${s.loss}`).toBe(true);
          expect(s.gradNorm).toBeGreaterThan(0);
        }
        const evaluated = result.history.epochs.at(-1)!;
        for (const split of [evaluated.train, evaluated.test]) {
          for (const [metric, value] of Object.entries(split ?? {})) {
            expect(Number.isFinite(value), `${metric} = ${value}`).toBe(true);
          }
        }
        expect(evaluated.test).toBeDefined();
        if (t.name === 'theory') {
          expect(result.history.analysis.map((r) => r.step)).toEqual([0, 2]);
        }
      }
    });
  }
});
