import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteGradientError } from '../errors.js';
import { globalNorm } from '../norms.js';
import { resolveGradients } from '../optimizer/gradients.js';
import { Telemetry, type TelemetryOptions } from '../optimizer/telemetry.js';
import { NON_FINITE_MODES, type NonFiniteMode } from '../transforms/apply-if-finite.js';
import type { NamedTensor } from '../types.js';
import { REGIME_CODE } from '../types.js';
import { requireOneOf, requirePositive } from '../validate.js';

export interface GlobalNormClippingOptions {
  /**
   * Non-finite gradients (default 'skip'): 'skip' leaves the variables and the wrapped optimizer's
   * state unchanged (costs one read of a boolean per step, because a wrapped optimizer cannot be
   * told to skip on device); 'throw' raises a NonFiniteGradientError; 'apply' passes them on
   * (sync-free, Keras behaviour).
   */
  nonFinite?: NonFiniteMode;
  telemetry?: TelemetryOptions;
}

function lookupOptimizerClass(className: string) {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) {
    throw new Error(
      `Cannot rebuild the wrapped optimizer '${className}': it is not registered with tf.serialization.registerClass`,
    );
  }
  return entry;
}

/**
 * Any `tf.Optimizer` with Keras-style global-norm clipping in front: gradients are scaled by
 * min(1, maxNorm / ||g||) with ||g|| over all variables together, then handed to the wrapped
 * optimizer. TensorFlow.js has no gradient clipping of its own.
 *
 * Telemetry reports the gradient norm and the regime (unclipped / clipped / skipped); the step size
 * is NaN because it belongs to the wrapped optimizer.
 */
export class GlobalNormClippedOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'GlobalNormClipped';
  }

  readonly telemetry: Telemetry;
  readonly nonFinite: NonFiniteMode;

  constructor(
    readonly inner: tf.Optimizer,
    readonly maxNorm: number,
    options: GlobalNormClippingOptions = {},
  ) {
    super();
    if (!(inner instanceof tf.Optimizer)) {
      throw new TypeError(
        `withGlobalNormClipping needs a tf.Optimizer such as tf.train.adam(1e-3) (got ${String(inner)})`,
      );
    }
    requirePositive('maxNorm', maxNorm);
    this.nonFinite = requireOneOf('nonFinite', options.nonFinite ?? 'skip', NON_FINITE_MODES);
    this.telemetry = new Telemetry(options.telemetry);
  }

  override get iterations(): number {
    return this.inner.iterations;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = resolveGradients(variableGradients, this.getClassName());
    const step = this.inner.iterations;
    const skip = tf.tidy(() => {
      const grads = entries.map((e) => e.gradient);
      const norm = globalNorm(grads);
      const finite = tf.isFinite(norm) as tf.Scalar;
      let skipStep = false;
      if (this.nonFinite !== 'apply' && finite.dataSync()[0] !== 1) {
        if (this.nonFinite === 'throw') {
          const bad = grads.findIndex((g) => tf.all(tf.isFinite(g)).dataSync()[0] !== 1);
          throw new NonFiniteGradientError(step, entries[Math.max(bad, 0)]!.name);
        }
        skipStep = true;
      }
      const scale = tf.minimum(1, tf.div(this.maxNorm, norm)) as tf.Scalar;
      if (this.telemetry.enabled) {
        const regime = skipStep
          ? tf.scalar(REGIME_CODE.skipped, 'int32')
          : tf.cast(tf.less(scale, 1), 'int32');
        this.telemetry.record(step, norm, tf.scalar(Number.NaN), regime as tf.Scalar);
      }
      if (skipStep) return true;
      const clipped: NamedTensor[] = entries.map((e) => ({
        name: e.name,
        tensor: tf.mul(e.gradient, scale),
      }));
      this.inner.applyGradients(clipped);
      return false;
    });
    void skip;
  }

  override getWeights(): Promise<NamedTensor[]> {
    return this.inner.getWeights();
  }

  override setWeights(weightValues: NamedTensor[]): Promise<void> {
    return this.inner.setWeights(weightValues);
  }

  override dispose(): void {
    this.inner.dispose();
    this.telemetry.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      maxNorm: this.maxNorm,
      nonFinite: this.nonFinite,
      optimizer: { className: this.inner.getClassName(), config: this.inner.getConfig() },
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const innerSpec = config.optimizer as tf.serialization.ConfigDict;
    const className = innerSpec.className as string;
    const [innerCls, innerFromConfig] = lookupOptimizerClass(className);
    const inner = innerFromConfig(innerCls, innerSpec.config as tf.serialization.ConfigDict);
    return new (
      cls as unknown as new (
        i: tf.Optimizer,
        m: number,
        o: GlobalNormClippingOptions,
      ) => T
    )(inner as tf.Optimizer, config.maxNorm as number, {
      nonFinite: config.nonFinite as NonFiniteMode,
    });
  }
}

tf.serialization.registerClass(GlobalNormClippedOptimizer);

/**
 * Add Keras-style global-norm clipping (`global_clipnorm`) to any TensorFlow.js optimizer.
 *
 * @example
 * const opt = withGlobalNormClipping(tf.train.adam(1e-3), 1.0);
 * model.compile({ optimizer: opt, loss: 'meanSquaredError' });
 */
export function withGlobalNormClipping(
  optimizer: tf.Optimizer,
  maxNorm: number,
  options?: GlobalNormClippingOptions,
): GlobalNormClippedOptimizer {
  return new GlobalNormClippedOptimizer(optimizer, maxNorm, options);
}
