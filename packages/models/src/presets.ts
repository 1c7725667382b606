import { InvalidOptionError } from '@deltaclip/utils';
import type { KindedConfig } from './types.js';

/**
 * Some fields of a model config, with its kind. Checked when the model is built (every config
 * rejects unknown fields), not here: typing presets by the union of all configs would make every
 * model file depend on every other one.
 */
export type PresetConfig = { readonly kind: string } & Readonly<Record<string, unknown>>;

/**
 * Named configurations. A config with `preset: name` takes every field it leaves out from the
 * preset; fields it sets win. The preset's kind must match the config's kind.
 */
export const MODEL_PRESETS = {
  /** CIFAR ResNet-18 as in the paper: 11,173,962 parameters with 10 classes. */
  resnet18: { kind: 'resnet', widths: [64, 128, 256, 512], blocks: [2, 2, 2, 2] },
  /** A 3-stage, one-block-per-stage, narrow CIFAR ResNet that trains on a laptop CPU (~78k parameters). */
  'resnet-mini': { kind: 'resnet', widths: [16, 32, 64], blocks: [1, 1, 1] },
  /** The paper's Fashion-MNIST VAE: 784-50-50, latent 50, LeakyReLU 0.2, sigmoid output. */
  'vae-paper': { kind: 'vae', inputSize: 784, hidden: [50, 50], latent: 50 },
  /** ViT-tiny as in the paper on 64x64 CIFAR: width 192, 3 heads, depth 12, patch 16. */
  'vit-tiny': {
    kind: 'vit',
    imageSize: 64,
    patchSize: 16,
    width: 192,
    depth: 12,
    heads: 3,
    mlpRatio: 4,
  },
  /** A small ViT for 32x32 images that trains on a laptop CPU: patch 4, width 64, depth 4, 4 heads. */
  'vit-mini': {
    kind: 'vit',
    imageSize: 32,
    patchSize: 4,
    width: 64,
    depth: 4,
    heads: 4,
    mlpRatio: 2,
  },
  /** A 2-block transformer encoder of width 64 for the copy/reverse tasks (set vocabSize and sequenceLength). */
  'transformer-mini': { kind: 'transformer', width: 64, depth: 2, heads: 4, mlpRatio: 2 },
} as const satisfies Record<string, PresetConfig>;

export type ModelPresetName = keyof typeof MODEL_PRESETS;

/** `config` with the fields of its preset filled in (unchanged when it names none). */
export function applyPreset<C extends KindedConfig>(config: C): C {
  if (config.preset === undefined) return config;
  const preset = (MODEL_PRESETS as Record<string, { readonly kind: string }>)[config.preset];
  if (preset === undefined) {
    throw new InvalidOptionError(
      `preset must be one of ${Object.keys(MODEL_PRESETS)
        .map((p) => `'${p}'`)
        .join(', ')} (got ${JSON.stringify(config.preset)})`,
    );
  }
  if (preset.kind !== config.kind) {
    throw new InvalidOptionError(
      `preset '${config.preset}' is a ${preset.kind} preset, but the config has kind '${config.kind}'`,
    );
  }
  const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  return { ...structuredClone(preset), ...defined } as C;
}
