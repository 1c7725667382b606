import { formatShape } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { WeightsMismatchError } from './errors.js';
import type { ParameterStore } from './parameter-store.js';
import type { ApplyOptions, KindedConfig, Model } from './types.js';
import type { NamedWeight, NamedWeightInput } from './weights.js';

/** What every model shares: variable bookkeeping, weights I/O, disposal. */
export abstract class BaseModel<C extends KindedConfig> implements Model {
  private disposed = false;

  constructor(
    readonly name: string,
    readonly config: C,
    protected readonly store: ParameterStore,
  ) {}

  get prefix(): string {
    return this.store.prefix;
  }

  get variables(): readonly tf.Variable[] {
    return this.store.trainable;
  }

  get state(): readonly tf.Variable[] {
    return this.store.state;
  }

  get parameterCount(): number {
    return this.store.trainable.reduce((n, v) => n + v.size, 0);
  }

  apply(x: tf.Tensor, options: ApplyOptions = {}): tf.Tensor {
    this.assertLive('apply');
    return tf.tidy(() => this.forward(x, options.training === true));
  }

  /** The forward pass, run inside `tf.tidy` by {@link apply}. */
  protected abstract forward(x: tf.Tensor, training: boolean): tf.Tensor;

  getWeights(): NamedWeight[] {
    this.assertLive('getWeights');
    return this.all().map((v) => this.toNamed(v, v.dataSync() as Float32Array));
  }

  async readWeights(): Promise<NamedWeight[]> {
    this.assertLive('readWeights');
    const vars = this.all();
    const data = await Promise.all(vars.map((v) => v.data()));
    return vars.map((v, i) => this.toNamed(v, data[i] as Float32Array));
  }

  setWeights(weights: readonly NamedWeightInput[]): void {
    this.assertLive('setWeights');
    const byName = new Map<string, NamedWeightInput>();
    const unexpected: string[] = [];
    const mismatched: string[] = [];
    for (const w of weights) {
      if (byName.has(w.name)) unexpected.push(`'${w.name}' (given twice)`);
      else byName.set(w.name, w);
    }
    const missing: string[] = [];
    const assignments: [tf.Variable, NamedWeightInput][] = [];
    for (const v of this.all()) {
      const name = this.store.relativeName(v);
      const w = byName.get(name);
      byName.delete(name);
      if (w === undefined) {
        missing.push(`'${name}' ${formatShape(v.shape)}`);
        continue;
      }
      const sameShape =
        w.shape.length === v.shape.length && w.shape.every((d, i) => d === v.shape[i]);
      if (!sameShape) {
        mismatched.push(
          `shape of '${name}' is ${formatShape(w.shape)}, expected ${formatShape(v.shape)}`,
        );
      } else if (w.values.length !== v.size) {
        mismatched.push(
          `'${name}' has ${w.values.length} values, its shape ${formatShape(v.shape)} needs ${v.size}`,
        );
      } else {
        assignments.push([v, w]);
      }
    }
    for (const [name, w] of byName) unexpected.push(`'${name}' ${formatShape(w.shape)}`);
    if (missing.length > 0 || unexpected.length > 0 || mismatched.length > 0) {
      throw new WeightsMismatchError(this.name, missing, unexpected, mismatched);
    }
    tf.tidy(() => {
      for (const [v, w] of assignments) {
        v.assign(tf.tensor(Float32Array.from(w.values), v.shape, 'float32'));
      }
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
  }

  protected assertLive(method: string): void {
    if (this.disposed) {
      throw new Error(
        `${this.name}.${method}: the model was disposed; build a new one with createModel(config)`,
      );
    }
  }

  private all(): tf.Variable[] {
    return [...this.store.trainable, ...this.store.state];
  }

  private toNamed(v: tf.Variable, values: Float32Array): NamedWeight {
    return {
      name: this.store.relativeName(v),
      shape: [...v.shape],
      values: Float32Array.from(values),
      trainable: v.trainable,
    };
  }
}
