import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  adam,
  chain,
  deltaGClip,
  deltaGClipScale,
  optimizerFromConfig,
  SgdOptimizer,
  sgd,
  stepDecaySchedule,
  TransformOptimizer,
} from '../src/index.js';
import { transformFromConfig } from '../src/internal.js';
import { registerOptimizerClass } from '../src/serialization.js';

function problem(tag: string) {
  const w = tf.variable(tf.tensor1d([0.5, -1.25, 2, 0.75]), true, `drop_in_${tag}_w`);
  const target = tf.tensor1d([1, 0, -1, 0.5]);
  const loss = () => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar;
  return { w, target, loss };
}

function tinyModel() {
  const m = tfl.sequential();
  m.add(
    tfl.layers.dense({
      units: 3,
      inputShape: [2],
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    }),
  );
  m.add(tfl.layers.dense({ units: 1, kernelInitializer: 'ones' }));
  return m;
}

async function artifactsOf(m: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return artifacts!;
}

describe('setLearningRate', () => {
  it('changes the step of sgd from the next step on: w - eta g in float32', () => {
    const { w, target, loss } = problem('sgd');
    const opt = sgd({ learningRate: 0.1 });
    opt.minimize(loss);
    const before = Array.from(w.dataSync());
    opt.setLearningRate(0.25);
    opt.minimize(loss);
    const t = Array.from(target.dataSync());
    // g = 2 (w - target); one step of the new rate, rounded like tfjs's Mul then Add.
    const expected = before.map((v, i) =>
      Math.fround(v + Math.fround(-0.25 * Math.fround(2 * Math.fround(v - t[i]!)))),
    );
    expect(Array.from(w.dataSync())).toEqual(expected);
    expect(opt.getConfig().learningRate).toBe(0.25);
    tf.dispose([w, target]);
    opt.dispose();
  });

  it('keeps adam moments: equal to a fresh adam at the new rate given the saved state', async () => {
    const a = problem('adam_a');
    const b = problem('adam_b');
    const first = adam({ learningRate: 0.1, clipNorm: 1 });
    for (let i = 0; i < 3; i++) first.minimize(a.loss, false, [a.w]);
    const reference = adam({ learningRate: 0.02, clipNorm: 1 });
    await reference.setWeights(await first.getWeights());
    b.w.assign(a.w);
    first.setLearningRate(0.02);
    for (let i = 0; i < 3; i++) {
      first.minimize(a.loss, false, [a.w]);
      reference.minimize(b.loss, false, [b.w]);
    }
    expect(Array.from(a.w.dataSync())).toEqual(Array.from(b.w.dataSync()));
    expect(first.iterations).toBe(6);
    expect(first.getConfig()).toEqual(reference.getConfig());
    tf.dispose([a.w, a.target, b.w, b.target]);
    first.dispose();
    reference.dispose();
  });

  it('multiplies the new base by the schedule and is reported in telemetry', async () => {
    const { w, target, loss } = problem('sched');
    // gamma large: every step unclipped, so the step size h is eta_t itself.
    const opt = deltaGClip({
      learningRate: 0.1,
      gamma: 100,
      delta: 0.1,
      schedule: stepDecaySchedule({ boundaries: [1], factor: 0.5 }),
    });
    opt.minimize(loss);
    opt.setLearningRate(0.4);
    opt.minimize(loss);
    expect((await opt.telemetry.latest())!.stepSize).toBeCloseTo(0.2, 7);
    tf.dispose([w, target]);
    opt.dispose();
  });

  it('survives getConfig/fromConfig and a layers save/load with the optimizer', async () => {
    const opt = deltaGClip({ learningRate: 0.1, gamma: 1, delta: 0.01 });
    opt.setLearningRate(0.03);
    const copy = optimizerFromConfig({ className: opt.getClassName(), config: opt.getConfig() });
    expect(copy.getConfig()).toEqual({ ...opt.getConfig(), learningRate: 0.03 });

    const m = tinyModel();
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.tensor2d([1, -1], [2, 1]);
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf(m)));
    expect(loaded.optimizer.getClassName()).toBe('deltaclip.DeltaGClip');
    expect((loaded.optimizer.getConfig() as { learningRate: number }).learningRate).toBe(0.03);
    tf.dispose([x, y]);
    m.dispose();
    loaded.dispose();
    copy.dispose();
  });

  it('sets every scaleByLearningRate of a hand-built chain and rejects a bad rate', () => {
    const opt = new TransformOptimizer(chain(deltaGClipScale({ gamma: 1, delta: 0.1 })));
    expect(() => opt.setLearningRate(0.1)).toThrow(
      'deltaclip.Transform.setLearningRate: its transform has no scaleByLearningRate to set',
    );
    const s = sgd({ learningRate: 0.1 });
    expect(() => s.setLearningRate(-1)).toThrow('learningRate must be > 0 (got -1)');
    expect(s.getConfig().learningRate).toBe(0.1);
    s.setLearningRate(0.5);
    const rebuilt = transformFromConfig(s.transform.config);
    expect(JSON.stringify(rebuilt.config)).toContain('"learningRate":0.5');
    opt.dispose();
    s.dispose();
  });
});

describe('registered class names', () => {
  const names: [string, string][] = [
    ['DeltaGClip', 'deltaclip.DeltaGClip'],
    ['GClip', 'deltaclip.GClip'],
    ['DeltaGClipPerTensor', 'deltaclip.DeltaGClipPerTensor'],
    ['DeltaClipSGD', 'deltaclip.SGD'],
    ['DeltaClipMomentum', 'deltaclip.Momentum'],
    ['DeltaClipAdam', 'deltaclip.Adam'],
  ];

  for (const [old, prefixed] of names) {
    it(`'${old}' (saved by earlier versions) loads as ${prefixed}`, () => {
      const opt = optimizerFromConfig({ className: old, config: { learningRate: 0.1 } });
      expect(opt.getClassName()).toBe(prefixed);
      opt.dispose();
    });
  }

  it('a layers model saved under an old class name reloads with its optimizer', async () => {
    const m = tinyModel();
    m.compile({ optimizer: deltaGClip({ learningRate: 0.1, gamma: 1 }), loss: 'meanSquaredError' });
    const artifacts = await artifactsOf(m);
    const config = artifacts.trainingConfig!.optimizer_config as { class_name: string };
    expect(config.class_name).toBe('deltaclip.DeltaGClip');
    config.class_name = 'DeltaGClip';
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(loaded.optimizer.getClassName()).toBe('deltaclip.DeltaGClip');
    m.dispose();
    loaded.dispose();
  });

  it('lists only the prefixed names for an unknown className', () => {
    expect(() => optimizerFromConfig({ className: 'Nope', config: {} })).toThrow(
      /registered optimizers: .*deltaclip\.Adam, deltaclip\.DeltaGClip, deltaclip\.DeltaGClipPerTensor, deltaclip\.GClip, deltaclip\.Momentum, deltaclip\.SGD, deltaclip\.Transform/,
    );
    expect(() => optimizerFromConfig({ className: 'Nope', config: {} })).not.toThrow(
      /DeltaClipSGD|, GClip/,
    );
  });

  it("does not take an old name that another library's class holds", () => {
    class Theirs extends SgdOptimizer {
      static override get className(): string {
        return 'TheirsOnly';
      }
    }
    tf.serialization.registerClass(Theirs);
    class Ours extends SgdOptimizer {
      static override get className(): string {
        return 'deltaclip.OursOnly';
      }
    }
    registerOptimizerClass(Ours, 'TheirsOnly');
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(map.TheirsOnly![0]).toBe(Theirs);
    expect(map['deltaclip.OursOnly']![0]).toBe(Ours);
  });
});
