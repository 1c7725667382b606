/**
 * @deltaclip/plstar/node — read and write a tf.LayersModel in tfjs's `file://` layout (model.json
 * plus binary weight shards, what tfjs-node's `model.save('file://dir')` writes) without
 * tfjs-node. Node only; the main entry stays browser-safe.
 */
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { ModelFileError } from './errors.js';

export { ModelFileError } from './errors.js';

/** Caps that keep a hostile or mistaken file from exhausting memory. */
export interface ModelFileLimits {
  /** Largest model.json, in bytes (default 64 MiB). */
  readonly maxJsonBytes?: number;
  /** Largest total of the weight shards, in bytes (default 2 GiB). */
  readonly maxWeightBytes?: number;
}

const MiB = 1024 * 1024;
const DEFAULT_JSON_BYTES = 64 * MiB;
const DEFAULT_WEIGHT_BYTES = 2048 * MiB;

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** `file://...`, a model.json path, or a folder holding model.json -> the model.json path. */
async function modelJsonPath(location: string): Promise<string> {
  const path = location.startsWith('file://') ? fileURLToPath(location) : location;
  const info = await stat(path).catch(() => null);
  if (info === null) {
    throw new ModelFileError(
      path,
      'no such file or folder (pass the model.json that model.save wrote, or its folder)',
    );
  }
  return info.isDirectory() ? join(path, 'model.json') : path;
}

async function readCapped(file: string, max: number, what: string): Promise<Buffer> {
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) {
    throw new ModelFileError(file, `${what} is missing (model.json lists it)`);
  }
  if (info.size > max) {
    throw new ModelFileError(
      file,
      `${what} has ${info.size} bytes, more than the cap of ${max}; pass a larger limit if it is genuine`,
    );
  }
  return readFile(file);
}

function expectedBytes(spec: tf.io.WeightsManifestEntry): number | null {
  if (spec.dtype === 'string') return null;
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const per = BYTES_PER_ELEMENT[dtype];
  if (per === undefined) return null;
  return spec.shape.reduce((a, b) => a * b, 1) * per;
}

function parseManifest(file: string, json: unknown): tf.io.ModelJSON {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ModelFileError(file, 'is not a tfjs model.json (expected a JSON object)');
  }
  const m = json as Partial<tf.io.ModelJSON>;
  if (m.modelTopology === undefined || m.modelTopology === null) {
    throw new ModelFileError(
      file,
      'has no modelTopology: it is not a tfjs model.json (model.save writes one)',
    );
  }
  if (!Array.isArray(m.weightsManifest)) {
    throw new ModelFileError(file, 'has no weightsManifest list of weight files');
  }
  for (const [g, group] of m.weightsManifest.entries()) {
    if (
      group === null ||
      typeof group !== 'object' ||
      !Array.isArray(group.paths) ||
      !group.paths.every((p) => typeof p === 'string') ||
      !Array.isArray(group.weights)
    ) {
      throw new ModelFileError(
        file,
        `weightsManifest[${g}] must have paths (file names) and weights (specs)`,
      );
    }
    for (const w of group.weights) {
      if (
        w === null ||
        typeof w.name !== 'string' ||
        !Array.isArray(w.shape) ||
        !w.shape.every((d) => Number.isInteger(d) && d >= 0) ||
        typeof w.dtype !== 'string'
      ) {
        throw new ModelFileError(
          file,
          `weightsManifest[${g}] has a weight without a name, a shape of non-negative integers and a dtype (got ${JSON.stringify(w)})`,
        );
      }
    }
  }
  return m as tf.io.ModelJSON;
}

/** A shard path must stay inside the model's folder: a manifest is data, not a file-system key. */
function shardPath(modelFile: string, dir: string, path: string): string {
  const full = resolve(dir, path);
  const rel = relative(dir, full);
  if (path.includes('://') || isAbsolute(path) || rel.startsWith(`..${sep}`) || rel === '..') {
    throw new ModelFileError(
      modelFile,
      `weight file '${path}' is outside the model's folder; weight paths must be relative names beside model.json`,
    );
  }
  return full;
}

/**
 * An IOHandler for a model saved in tfjs's file layout: `load()` reads model.json and its weight
 * shards (checked against the manifest: every file present, the byte count exactly what the
 * weight specs need, nothing outside the model's folder), `save()` writes model.json and one
 * `weights.bin` beside it, each through a temporary file and a rename so a crash leaves the old
 * files or the new ones, never half of either. Use it with tfjs-layers:
 * `tf.loadLayersModel(modelFiles('model.json'))`, `model.save(modelFiles('out/'))`.
 */
export function modelFiles(location: string, limits: ModelFileLimits = {}): tf.io.IOHandler {
  const maxJson = limits.maxJsonBytes ?? DEFAULT_JSON_BYTES;
  const maxWeights = limits.maxWeightBytes ?? DEFAULT_WEIGHT_BYTES;
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const file = await modelJsonPath(location);
      const text = (await readCapped(file, maxJson, 'model.json')).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new ModelFileError(file, `is not valid JSON (${(error as Error).message})`);
      }
      const manifest = parseManifest(file, json);
      const dir = dirname(file);
      return tf.io.getModelArtifactsForJSON(manifest, async (groups) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: Buffer[] = [];
        let total = 0;
        for (const group of groups) {
          let groupBytes = 0;
          for (const p of group.paths) {
            const shard = shardPath(file, dir, p);
            const data = await readCapped(shard, maxWeights - total, `weight file '${p}'`);
            total += data.byteLength;
            groupBytes += data.byteLength;
            buffers.push(data);
          }
          const needs = group.weights.map(expectedBytes);
          if (needs.every((n) => n !== null)) {
            const needed = (needs as number[]).reduce((a, b) => a + b, 0);
            if (needed !== groupBytes) {
              throw new ModelFileError(
                file,
                `the weight files ${group.paths.map((p) => `'${p}'`).join(', ')} hold ${groupBytes} bytes, the manifest's weights need ${needed}: a shard is truncated or belongs to another model`,
              );
            }
          }
          specs.push(...group.weights);
        }
        // One buffer: given one buffer per shard, tfjs 4.22 read the weights in the second as zeros.
        const all = Buffer.concat(buffers);
        return [
          specs,
          all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
        ];
      });
    },

    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new ModelFileError(
          location,
          'modelFiles saves models with a JSON topology (tf.LayersModel); this one is binary',
        );
      }
      const path = location.startsWith('file://') ? fileURLToPath(location) : location;
      const file = path.endsWith('.json') ? path : join(path, 'model.json');
      const dir = dirname(file);
      await mkdir(dir, { recursive: true });
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-core v${tf.version_core}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig === undefined
          ? {}
          : { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.userDefinedMetadata === undefined
          ? {}
          : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      // Weights first: a model.json that exists always names a complete weights.bin.
      await writeAtomically(join(dir, 'weights.bin'), weights);
      await writeAtomically(file, JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

async function writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, data);
    const handle = await open(temp, 'r');
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** What {@link loadLayersModelFile} needs from tfjs-layers (`@tensorflow/tfjs` or `-layers`). */
export interface LayersLoader<M> {
  loadLayersModel(handler: tf.io.IOHandler, options?: tf.io.LoadOptions): Promise<M>;
}

/**
 * Load a tf.LayersModel saved in the file layout, through your own tfjs-layers (passed in, so
 * plstar never imports it): `await loadLayersModelFile('model.json', tf)` with
 * `import * as tf from '@tensorflow/tfjs'`. The model comes back compiled when it was saved with
 * its training config (`model.save` after `compile`).
 */
export async function loadLayersModelFile<M>(
  location: string,
  layers: LayersLoader<M>,
  limits: ModelFileLimits = {},
): Promise<M> {
  return layers.loadLayersModel(modelFiles(location, limits));
}
