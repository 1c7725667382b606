import { requirePositive } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { StepContext } from '../context.js';
import { OptimizerStateError } from '../errors.js';
import { guardedAxpy } from '../kernels/guarded-axpy.js';
import { registerOptimizerClass } from '../serialization.js';
import { flattenState, mapState, restoreState } from '../state.js';
import { transformFromConfig } from '../transforms/registry.js';
import type {
  GradientTransformation,
  NamedTensor,
  TransformConfig,
  TransformState,
} from '../types.js';
import { Updates } from '../updates.js';
import { resolveGradients } from './gradients.js';
import { Telemetry, type TelemetryOptions } from './telemetry.js';

const STATE_PREFIX = 'deltaclip/state';
const COUNTS_NAME = 'deltaclip/telemetry/regimeCounts';

/**
 * Turns any {@link GradientTransformation} into a real `tf.Optimizer`: usable with
 * `optimizer.minimize(f)`, `applyGradients(map | array)` and tfjs-layers `model.compile`.
 *
 * One step is: resolve the variables, run the transform on device, assign
 * `w <- w + updates` (only where the transform's guard holds), record telemetry. Nothing is read
 * back to the host, so steps queue on an accelerator without stalls.
 *
 * `iterations` counts every call of `applyGradients` (and so of `minimize`) that returns, whether
 * the step changed the variables or was skipped (a non-finite or zero gradient): it is the index
 * of the batch, so a schedule or a resumed run stays aligned with the data whatever was skipped.
 * A call that throws (`nonFinite: 'throw'`, a bad gradient) does not count and changes nothing.
 */
export class TransformOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'deltaclip.Transform';
  }

  readonly telemetry: Telemetry;
  private state: TransformState | undefined;
  private current: GradientTransformation;

  constructor(transform: GradientTransformation, telemetry: TelemetryOptions = {}) {
    super();
    this.current = transform;
    this.telemetry = new Telemetry(telemetry);
  }

  /** The transform a step runs (replaced by {@link setLearningRate}). */
  get transform(): GradientTransformation {
    return this.current;
  }

  /**
   * Set the base learning rate eta of every `scaleByLearningRate` in the transform, from the next
   * step on (tfjs's `SGDOptimizer.setLearningRate`). A schedule keeps multiplying the new base;
   * the optimizer state (moments, counters, telemetry) is kept, and getConfig reports the new rate.
   */
  setLearningRate(learningRate: number): void {
    requirePositive('learningRate', learningRate);
    let found = 0;
    const replace = (config: TransformConfig): TransformConfig => {
      if (config.kind === 'scaleByLearningRate') {
        found++;
        return { ...config, learningRate };
      }
      const out: Record<string, unknown> = { ...config };
      for (const [key, value] of Object.entries(config)) {
        if (isTransformConfig(value)) out[key] = replace(value);
        else if (Array.isArray(value) && value.every(isTransformConfig))
          out[key] = value.map(replace);
      }
      return out as TransformConfig;
    };
    const next = replace(this.current.config);
    if (found === 0) {
      throw new OptimizerStateError(
        `${this.getClassName()}.setLearningRate: its transform has no scaleByLearningRate to set ` +
          '(end the chain with scaleByLearningRate(eta) to give it a learning rate)',
      );
    }
    // Only the rate changed, so the rebuilt transform's state tree is the one the optimizer holds.
    this.current = transformFromConfig(next);
  }

  /**
   * tf.Optimizer's minimize, except that the cost and the gradients are released when
   * applyGradients throws (tfjs leaks them), so a caught NonFiniteGradientError costs nothing.
   */
  override minimize(
    f: () => tf.Scalar,
    returnCost = false,
    varList?: tf.Variable[],
  ): tf.Scalar | null {
    const { value, grads } = this.computeGradients(f, varList);
    try {
      this.applyGradients(
        varList == null ? grads : varList.map((v) => ({ name: v.name, tensor: grads[v.name]! })),
      );
    } catch (error) {
      value.dispose();
      throw error;
    } finally {
      tf.dispose(grads);
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = resolveGradients(variableGradients, this.getClassName());
    if (entries.length > 0) {
      const before = this.ensureState();
      const next = tidyState(() => {
        const params = entries.map((e) => e.variable);
        const grads = entries.map((e) => e.gradient);
        const context = new StepContext(
          this.iterations,
          params,
          entries.map((e) => e.name),
          grads,
          entries.map((e) => e.slot),
        );
        const { updates, state } = this.transform.update(Updates.of(grads), before, context);
        applyUpdates(params, updates);
        if (this.telemetry.enabled) this.recordTelemetry(context);
        return keepState(state);
      });
      this.replaceState(before, next);
    }
    this.incrementIterations();
  }

  private recordTelemetry(context: StepContext): void {
    const facts = context.reported();
    this.telemetry.recordStep(context.step, {
      gradNorm: context.rawGlobalNorm(),
      clipScale: facts.clipScale,
      eta: facts.learningRate ?? Number.NaN,
      regime: facts.regime,
      skipped: facts.skipped,
    });
  }

  private ensureState(): TransformState {
    if (this.state === undefined) {
      this.state = tidyState(() => keepState(this.transform.init()));
    }
    return this.state;
  }

  /** Swap in the new state and release the leaves of the old one that it no longer uses. */
  private replaceState(before: TransformState, next: TransformState): void {
    const live = new Set(flattenState(next).map((e) => e.tensor));
    for (const { tensor } of flattenState(before)) if (!live.has(tensor)) tensor.dispose();
    this.state = next;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const state = this.ensureState();
    return [
      await this.saveIterations(),
      ...flattenState(state).map(({ path, tensor }) => ({
        name: path === '' ? STATE_PREFIX : `${STATE_PREFIX}/${path}`,
        tensor: tf.clone(tensor),
      })),
      { name: COUNTS_NAME, tensor: tf.clone(this.telemetry.countsTensor()) },
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const saved = new Map<string, tf.Tensor>();
    for (const { name, tensor } of rest) {
      if (name === STATE_PREFIX) saved.set('', tensor);
      else if (name.startsWith(`${STATE_PREFIX}/`))
        saved.set(name.slice(STATE_PREFIX.length + 1), tensor);
    }
    const template = this.ensureState();
    let next: TransformState;
    try {
      next = tidyState(() =>
        keepState(
          restoreState(template, saved, (value, path, like) => {
            if (like !== undefined && !tf.util.arraysEqual(value.shape, like.shape)) {
              throw new OptimizerStateError(
                `'${STATE_PREFIX}/${path}' has shape [${value.shape}], expected [${like.shape}]`,
              );
            }
            return tf.cast(value, like?.dtype ?? value.dtype);
          }),
        ),
      );
    } catch (error) {
      throw new OptimizerStateError(
        `${this.getClassName()}.setWeights: ${(error as Error).message} ` +
          `(got ${rest.map((w) => w.name).join(', ') || 'no weights'}). Were they saved by an optimizer with the same configuration?`,
      );
    }
    this.replaceState(template, next);
    const counts = rest.find((w) => w.name === COUNTS_NAME);
    if (counts !== undefined) this.telemetry.restoreCounts(counts.tensor);
  }

  override dispose(): void {
    if (this.state !== undefined) {
      for (const { tensor } of flattenState(this.state)) tensor.dispose();
      this.state = undefined;
    }
    this.telemetry.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { transform: this.transform.config as unknown as tf.serialization.ConfigDictValue };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const transform = transformFromConfig(config.transform as unknown as TransformConfig);
    return new (cls as unknown as new (t: GradientTransformation) => T)(transform);
  }
}

function isTransformConfig(value: unknown): value is TransformConfig {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}

/** tf.tidy for functions returning a state tree (whose type tfjs does not know). */
function tidyState(fn: () => TransformState): TransformState {
  return tf.tidy(fn as () => tf.TensorContainer) as unknown as TransformState;
}

/** Keep every tensor of a state tree beyond the current tidy scope. */
function keepState(state: TransformState): TransformState {
  return mapState(state, (t) => tf.keep(t));
}

/**
 * w_i <- w_i + factor_i * u_i, and where the guard is false w_i is left exactly as it was (a
 * NaN update must not leak in through 0 * NaN). One fused kernel per variable where the backend
 * has one (see {@link GUARDED_AXPY}), writing into the variable's own buffer where nothing else
 * holds it (the result is assigned at once).
 */
function applyUpdates(params: readonly tf.Variable[], updates: Updates): void {
  params.forEach((variable, i) => {
    variable.assign(
      guardedAxpy(variable, updates.tensors[i]!, updates.factorAt(i), updates.guard, {
        inPlace: true,
      }),
    );
  });
}

registerOptimizerClass(TransformOptimizer, 'DeltaClipTransform');
