/**
 * @deltaclip/models — the model zoo of deltaclip as tfjs-core functions over named variables:
 * MLP (standard and NTK parameterization), CIFAR ResNet (ResNet-18 and small variants), the
 * paper's MLP VAE, a small ViT and a small transformer encoder, plus the losses the training loop
 * uses. Build any of them with {@link createModel}.
 */

export { BaseModel } from './base-model.js';
export {
  createModel,
  MODEL_KINDS,
  type ModelConfig,
  type ModelKind,
} from './create-model.js';
export { InputShapeError, VariableNameCollisionError, WeightsMismatchError } from './errors.js';
export {
  glorotUniform,
  heNormal,
  type Init,
  initialValues,
  ones,
  torchDefault,
  zeros,
} from './init.js';
export { ACTIVATIONS, type Activation, activate, gelu } from './layers/activations.js';
export { accuracy } from './losses/accuracy.js';
export { type CrossEntropyOptions, softmaxCrossEntropy } from './losses/softmax-cross-entropy.js';
export { squareLoss } from './losses/square-loss.js';
export {
  createMlp,
  type MlpConfig,
  MlpModel,
  PARAMETERIZATIONS,
  type Parameterization,
  type ResolvedMlpConfig,
} from './models/mlp.js';
export {
  createResNet,
  RESNET_INITS,
  type ResNetConfig,
  type ResNetInit,
  ResNetModel,
  type ResolvedResNetConfig,
} from './models/resnet.js';
export {
  createTransformer,
  EMBEDDING_LOOKUPS,
  type EmbeddingLookup,
  type ResolvedTransformerConfig,
  type TransformerConfig,
  TransformerModel,
} from './models/transformer.js';
export {
  createVae,
  type ResolvedVaeConfig,
  VAE_INITS,
  type VaeConfig,
  type VaeInit,
  type VaeLossOptions,
  type VaeLossTerms,
  VaeModel,
  type VaeNoiseOptions,
} from './models/vae.js';
export {
  createVit,
  type ResolvedVitConfig,
  VIT_POOLINGS,
  type VitConfig,
  VitModel,
  type VitPooling,
} from './models/vit.js';
export { applyPreset, MODEL_PRESETS, type ModelPresetName } from './presets.js';
export { seededNormal } from './random.js';
export type { ApplyOptions, CommonConfig, KindedConfig, Model } from './types.js';
export type { NamedWeight, NamedWeightInput } from './weights.js';
