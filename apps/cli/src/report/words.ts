/**
 * A run's model, loss and data set in words for report.html ("MLP 6-1024-1, ReLU, NTK
 * parameterization"), instead of the JSON the run's spec holds (results.json keeps that).
 */
import { createObjective, type LossSpec } from '@deltaclip/train';

const ACTIVATION_WORDS: Readonly<Record<string, string>> = {
  relu: 'ReLU',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  gelu: 'GELU',
  leakyRelu: 'LeakyReLU',
  linear: 'linear',
  softplus: 'softplus',
};

const KIND_WORDS: Readonly<Record<string, string>> = {
  mlp: 'MLP',
  resnet: 'ResNet',
  vae: 'VAE',
  vit: 'ViT',
  transformer: 'Transformer',
};

type Config = Readonly<Record<string, unknown>>;

const list = (value: unknown): number[] | null =>
  Array.isArray(value) && value.every((x) => typeof x === 'number') ? value : null;

function activation(config: Config, fallback: string): string {
  const a = typeof config.activation === 'string' ? config.activation : fallback;
  const words = ACTIVATION_WORDS[a] ?? a;
  return a === 'leakyRelu' && typeof config.leakyReluAlpha === 'number'
    ? `${words} ${config.leakyReluAlpha}`
    : words;
}

/** The fields a kind's words do not already say, as `key value` (seed and prefix left out). */
function rest(config: Config, said: readonly string[]): string[] {
  const skip = new Set(['kind', 'seed', 'prefix', ...said]);
  return Object.entries(config)
    .filter(([k, v]) => !skip.has(k) && v !== undefined)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('x') : String(v)}`);
}

/**
 * A model config in words: `MLP 2-64-64-2, ReLU`, `MLP 6-1024-1, ReLU, NTK parameterization`,
 * `ResNet (preset resnet-mini)`. Unknown kinds and fields are named as they are.
 */
export function describeModel(model: unknown): string {
  if (model === null || typeof model !== 'object') return String(model);
  const config = model as Config;
  const kind = String(config.kind ?? 'model');
  const name = KIND_WORDS[kind] ?? kind;
  const parts: string[] = [];
  let said: string[] = [];
  if (kind === 'mlp') {
    const hidden = list(config.hidden) ?? [];
    const sizes = [config.inputSize, ...hidden, config.outputSize];
    parts.push(
      `${name} ${sizes.map((s) => (s === undefined ? '?' : String(s))).join('-')}`,
      activation(config, 'relu'),
    );
    if (config.parameterization === 'ntk') parts.push('NTK parameterization');
    if (config.bias === false) parts.push('no biases');
    said = ['inputSize', 'hidden', 'outputSize', 'activation', 'leakyReluAlpha'];
    said.push('parameterization');
    if (config.bias === false) said.push('bias');
  } else if (kind === 'vae') {
    const hidden = list(config.hidden);
    parts.push(
      hidden && typeof config.inputSize === 'number'
        ? `${name} ${[config.inputSize, ...hidden].join('-')}`
        : name,
    );
    if (typeof config.latent === 'number') parts.push(`latent ${config.latent}`);
    if (typeof config.activation === 'string') parts.push(activation(config, 'leakyRelu'));
    said = ['inputSize', 'hidden', 'latent', 'activation', 'leakyReluAlpha'];
  } else {
    parts.push(name);
  }
  if (typeof config.preset === 'string') parts[0] = `${parts[0]} (preset ${config.preset})`;
  return [...parts, ...rest(config, [...said, 'preset'])].join(', ');
}

/** The loss in the words the run's logs and the certificate use (train's objective name). */
export function describeLoss(loss: unknown): string {
  try {
    return createObjective(loss as LossSpec).name;
  } catch {
    return JSON.stringify(loss);
  }
}

/** `cars`, `my.csv (target mpg, without name)`. */
export function describeDataset(dataset: unknown): string {
  if (dataset === null || typeof dataset !== 'object') return String(dataset);
  const d = dataset as Config;
  const extra: string[] = [];
  if (typeof d.target === 'string') extra.push(`target ${d.target}`);
  if (Array.isArray(d.drop) && d.drop.length) extra.push(`without ${d.drop.join(', ')}`);
  if (typeof d.task === 'string') extra.push(d.task);
  const name = String(d.name ?? d.file ?? 'data');
  return extra.length ? `${name} (${extra.join('; ')})` : name;
}
