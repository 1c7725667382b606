import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLayersModelFile, ModelFileError, modelFiles } from './node.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'plstar-model-'));
  dirs.push(d);
  return d;
}

function model() {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 5,
        activation: 'relu',
        inputShape: [3],
        kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }),
      }),
      tfl.layers.dense({
        units: 2,
        kernelInitializer: tfl.initializers.glorotNormal({ seed: 4 }),
        biasInitializer: tfl.initializers.constant({ value: 0.25 }),
      }),
    ],
  });
  m.compile({ optimizer: tfl.train.sgd(0.1), loss: 'meanSquaredError' });
  return m;
}

/**
 * Write what tfjs-node's file:// handler writes, from the artifacts tfjs hands a save handler,
 * here split into two shards at an arbitrary byte (as the converter's group1-shardNofM files).
 */
async function saveInFileLayout(m: tfl.LayersModel, dir: string, splitAt: number) {
  await m.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
      writeFileSync(join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, splitAt));
      writeFileSync(join(dir, 'group1-shard2of2.bin'), bytes.subarray(splitAt));
      writeFileSync(
        join(dir, 'model.json'),
        JSON.stringify({
          modelTopology: artifacts.modelTopology,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy,
          trainingConfig: artifacts.trainingConfig,
          weightsManifest: [
            {
              paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
              weights: artifacts.weightSpecs,
            },
          ],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    // With the optimizer, tfjs writes the training config (the compiled loss) too.
    { includeOptimizer: true },
  );
}

describe('the model.json loader', () => {
  it('round-trips a model saved in the file layout: the same weights, outputs and compiled loss', async () => {
    const dir = tempDir();
    const original = model();
    await saveInFileLayout(original, dir, 37);
    const loaded = await loadLayersModelFile(join(dir, 'model.json'), tfl);
    const a = original.getWeights();
    const b = loaded.getWeights();
    expect(b.map((w) => w.shape)).toEqual(a.map((w) => w.shape));
    for (let i = 0; i < a.length; i++)
      expect(Array.from(b[i]!.dataSync())).toEqual(Array.from(a[i]!.dataSync()));
    const x = tf.tensor2d([
      [0.1, -0.4, 2],
      [1, 0.5, -1],
    ]);
    const ya = original.predict(x) as tf.Tensor;
    const yb = loaded.predict(x) as tf.Tensor;
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    expect(loaded.loss).toBe('meanSquaredError');
    // The folder and a file:// URL name the same model.
    const viaUrl = await loadLayersModelFile(`file://${dir}`, tfl);
    expect(Array.from((viaUrl.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from(ya.dataSync()),
    );
    tf.dispose([x, ya, yb]);
    original.dispose();
    loaded.dispose();
    viaUrl.dispose();
  });

  it("saves in tfjs's layout (model.json + weights.bin), leaving no temporary file", async () => {
    const dir = tempDir();
    const original = model();
    await original.save(modelFiles(join(dir, 'out')));
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    // 3*5 + 5 + 5*2 + 2 float32 values.
    expect(readFileSync(join(dir, 'out', 'weights.bin')).byteLength).toBe(32 * 4);
    const loaded = await loadLayersModelFile(join(dir, 'out'), tfl);
    const a = original.getWeights();
    loaded.getWeights().forEach((w, i) => {
      expect(Array.from(w.dataSync())).toEqual(Array.from(a[i]!.dataSync()));
    });
    original.dispose();
    loaded.dispose();
  });

  it('refuses a truncated shard, a path outside the folder, a missing file and a non-model JSON', async () => {
    const dir = tempDir();
    await saveInFileLayout(model(), dir, 37);
    const file = join(dir, 'model.json');
    const shard = join(dir, 'group1-shard2of2.bin');
    // 32 float32 weights and SGD's int32 step counter: 132 bytes; cut the second shard to 20.
    writeFileSync(shard, readFileSync(shard).subarray(0, 20));
    await expect(loadLayersModelFile(file, tfl)).rejects.toThrow(
      `${file}: the weight files 'group1-shard1of2.bin', 'group1-shard2of2.bin' hold 57 bytes, the manifest's weights need 132: a shard is truncated or belongs to another model`,
    );
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.weightsManifest[0].paths = ['../../etc/passwd'];
    writeFileSync(file, JSON.stringify(json));
    await expect(loadLayersModelFile(file, tfl)).rejects.toThrow(
      `${file}: weight file '../../etc/passwd' is outside the model's folder; weight paths must be relative names beside model.json`,
    );
    json.weightsManifest[0].paths = ['gone.bin'];
    writeFileSync(file, JSON.stringify(json));
    await expect(loadLayersModelFile(file, tfl)).rejects.toThrow(
      `${join(dir, 'gone.bin')}: weight file 'gone.bin' is missing (model.json lists it)`,
    );
    writeFileSync(file, JSON.stringify({ hello: 1 }));
    const error = await loadLayersModelFile(file, tfl).catch((e: unknown) => e);
    expect(ModelFileError.is(error)).toBe(true);
    expect((error as Error).message).toBe(
      `${file}: has no modelTopology: it is not a tfjs model.json (model.save writes one)`,
    );
    await expect(loadLayersModelFile(join(dir, 'nope.json'), tfl)).rejects.toThrow(
      `${join(dir, 'nope.json')}: no such file or folder (pass the model.json that model.save wrote, or its folder)`,
    );
  });
});
