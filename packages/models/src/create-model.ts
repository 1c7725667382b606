import { InvalidOptionError, requireOneOf } from '@deltaclip/utils';
import { createMlp, type MlpConfig, type MlpModel } from './models/mlp.js';
import { createResNet, type ResNetConfig, type ResNetModel } from './models/resnet.js';
import {
  createTransformer,
  type TransformerConfig,
  type TransformerModel,
} from './models/transformer.js';
import { createVae, type VaeConfig, type VaeModel } from './models/vae.js';
import { createVit, type VitConfig, type VitModel } from './models/vit.js';
import type { Model } from './types.js';

export const MODEL_KINDS = ['mlp', 'resnet', 'vae', 'vit', 'transformer'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/**
 * A JSON-serializable model description; `createModel(config)` builds it. Defined here, beside
 * the one function that dispatches on it, so no model file depends on the list of all models.
 */
export type ModelConfig = MlpConfig | ResNetConfig | VaeConfig | VitConfig | TransformerConfig;

/**
 * Builds the model a config describes (`config.kind`: 'mlp' | 'resnet' | 'vae' | 'vit' |
 * 'transformer'). The same config, seed included, gives bit-identical initial weights on every
 * backend; `createModel(model.config)` rebuilds the same model.
 */
export function createModel(config: MlpConfig): MlpModel;
export function createModel(config: ResNetConfig): ResNetModel;
export function createModel(config: VaeConfig): VaeModel;
export function createModel(config: VitConfig): VitModel;
export function createModel(config: TransformerConfig): TransformerModel;
export function createModel(config: ModelConfig): Model;
export function createModel(config: ModelConfig): Model {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidOptionError(
      `config must be an object with a kind (got ${JSON.stringify(config)})`,
    );
  }
  const kind = requireOneOf('kind', config.kind, MODEL_KINDS);
  switch (kind) {
    case 'mlp':
      return createMlp(config as MlpConfig);
    case 'resnet':
      return createResNet(config as ResNetConfig);
    case 'vae':
      return createVae(config as VaeConfig);
    case 'vit':
      return createVit(config as VitConfig);
    case 'transformer':
      return createTransformer(config as TransformerConfig);
  }
}
