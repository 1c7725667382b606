import {
  describeSquareLoss,
  InvalidOptionError,
  MEAN,
  type SquareLossConvention,
  squareLossName,
  validateSquareLoss,
} from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { PlStarAnalysisOptions } from './analyze.js';
import type { LossFn, PlStarModel } from './model.js';

/**
 * The parts of a tfjs-layers `tf.LayersModel` (or `tf.Sequential`) that the analysis uses, typed
 * structurally so plstar needs no tfjs-layers at run time: a browser bundle that never analyzes a
 * LayersModel does not carry it, and the user's own copy of tfjs-layers is the one that runs.
 */
export interface LayersModelLike {
  /** `model.apply(x, { training })`: the forward pass, differentiable with respect to the weights. */
  apply(inputs: tf.Tensor, kwargs?: { training?: boolean }): tf.Tensor | tf.Tensor[] | unknown;
  /** The trainable weights; `read()` gives the tf.Variable that model.fit updates. */
  readonly trainableWeights: readonly { readonly name: string; read(): tf.Tensor }[];
  /** What `compile({ loss })` was given (a name like 'meanSquaredError' or a function). */
  readonly loss?: unknown;
  /** The compiled per-output loss functions (set by compile). */
  readonly lossFunctions?: readonly ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)[];
  /** Regularization penalties added to the training loss (tfjs-layers' Container method). */
  calculateLosses?(): tf.Scalar[];
  /** The compiled optimizer. */
  readonly optimizer?: tf.Optimizer;
  readonly outputs?: readonly unknown[];
}

export interface FromLayersModelOptions {
  /** Training inputs, batch first: the full batch of the loss. */
  readonly x: tf.Tensor;
  /** Targets as model.fit takes them (one-hot or index labels for classification losses). */
  readonly y: tf.Tensor;
  /**
   * The per-sample loss `(yTrue, yPred) => Tensor`, averaged over the batch like model.fit does.
   * Default: the compiled loss.
   */
  readonly loss?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
  /**
   * The square-loss convention of the loss, or null for none (the kernel bound is then skipped).
   * Default: `{ reduction: 'mean', half: false }` for a model compiled with the loss named
   * 'meanSquaredError' (or 'mse', 'MSE', 'mean_squared_error') and no regularizer, else null.
   */
  readonly squareLoss?: SquareLossConvention | null;
  /** Run the forward pass in training mode (dropout on); default false, a deterministic L(w). */
  readonly training?: boolean;
}

/** What {@link fromLayersModel} returns: spread it into `analyzePlStar` or `createPlStarMonitor`. */
export type LayersModelAnalysis = Required<
  Pick<PlStarAnalysisOptions, 'model' | 'x' | 'y' | 'lossFn' | 'lossName' | 'variables'>
> &
  Pick<PlStarAnalysisOptions, 'squareLoss' | 'training'>;

// tfjs-layers' own names for its mean squared error (losses.get accepts each of them).
const MSE_NAMES = new Set(['meanSquaredError', 'mse', 'MSE', 'mean_squared_error']);

function compiledLossName(loss: unknown): string | null {
  if (typeof loss === 'string') return loss;
  if (typeof loss === 'function' && loss.name !== '') return loss.name;
  return null;
}

/**
 * The analysis inputs of a tf.LayersModel: its trainable variables, its forward pass for the
 * tangent kernel, and the loss model.fit minimizes on the full batch (x, y): the mean over
 * samples of the compiled loss plus the layers' regularization penalties, exactly as
 * tfjs-layers' training function computes it. Single-output models only.
 *
 * @example
 * const record = await analyzePlStar({ ...fromLayersModel(model, { x, y }), tangentKernelSamples: 'all' });
 */
export function fromLayersModel(
  model: LayersModelLike,
  options: FromLayersModelOptions,
): LayersModelAnalysis {
  if (model === null || typeof model !== 'object' || typeof model.apply !== 'function') {
    throw new InvalidOptionError(
      'fromLayersModel needs a tf.LayersModel (an object with apply and trainableWeights)',
    );
  }
  if (!Array.isArray(model.trainableWeights)) {
    throw new InvalidOptionError(
      'fromLayersModel needs a tf.LayersModel: the object has no trainableWeights list',
    );
  }
  if (model.outputs !== undefined && model.outputs.length !== 1) {
    throw new InvalidOptionError(
      `fromLayersModel analyzes single-output models (this one has ${model.outputs.length} outputs)`,
    );
  }
  const { x, y } = options;
  const variables = model.trainableWeights.map((w) => {
    const v = w.read();
    if (!(v instanceof tf.Variable)) {
      throw new InvalidOptionError(
        `weight '${w.name}' does not read as a tf.Variable: is the model from another copy of tfjs-core? ` +
          'Install one @tensorflow/tfjs-core for the model and plstar',
      );
    }
    return v;
  });
  // A tf.Sequential keeps its compiled loss functions on the (private) LayersModel it wraps.
  const inner = (model as { readonly model?: Pick<LayersModelLike, 'lossFunctions'> }).model;
  const compiled = model.lossFunctions ?? inner?.lossFunctions;
  const perSample = options.loss ?? compiled?.[0];
  if (perSample === undefined) {
    throw new InvalidOptionError(
      "the model has no loss: compile it (model.compile({ optimizer, loss: 'meanSquaredError' })) or pass loss",
    );
  }
  if (options.loss === undefined && (compiled?.length ?? 0) > 1) {
    throw new InvalidOptionError(
      `fromLayersModel analyzes single-output models (this one has ${compiled!.length} losses)`,
    );
  }
  const training = options.training ?? false;
  const forward = (input: tf.Tensor, o?: { training?: boolean }): tf.Tensor => {
    const out = model.apply(input, { training: o?.training ?? training });
    if (!(out instanceof tf.Tensor)) {
      throw new InvalidOptionError(
        'fromLayersModel analyzes single-output models: model.apply(x) did not return one tensor',
      );
    }
    return out;
  };
  const penalties = (): tf.Scalar[] =>
    typeof model.calculateLosses === 'function' ? model.calculateLosses() : [];
  const regularized = tf.tidy(() => penalties().length > 0);
  const lossFn: LossFn = () =>
    tf.tidy(() => {
      let total = tf.mean(perSample(y, forward(x, { training }))) as tf.Scalar;
      for (const p of penalties()) total = tf.add(total, p);
      return total;
    });
  const name = options.loss === undefined ? compiledLossName(model.loss) : null;
  const isMse = name !== null && MSE_NAMES.has(name);
  const squareLoss =
    options.squareLoss != null
      ? validateSquareLoss(options.squareLoss, 'squareLoss')
      : options.squareLoss === null
        ? null
        : options.loss === undefined && isMse && !regularized
          ? MEAN
          : null;
  const label = name ?? 'the given loss';
  const lossName =
    squareLoss !== null
      ? `${label} = ${squareLossName(squareLoss)}: ${describeSquareLoss(squareLoss)}`
      : `${label}, mean over samples${regularized ? ' + regularization penalties' : ''} (model.fit's loss)`;
  const plStarModel: PlStarModel = { variables, apply: forward };
  return {
    model: plStarModel,
    x,
    y,
    lossFn,
    lossName,
    variables,
    training,
    ...(squareLoss === null ? {} : { squareLoss }),
  };
}
