import * as tf from '@tensorflow/tfjs-core';

/** A pending multiplier: one scalar for every tensor, or one scalar per tensor. */
type Factor = tf.Scalar | readonly tf.Scalar[];

/**
 * The updates flowing through a transform chain: `factor_i * tensors[i]` for every variable i,
 * applied only where `guard` (a boolean scalar) is true.
 *
 * Most transforms of this library only rescale (clipping, δ-GClip, learning rate). Keeping the
 * factors symbolic until the end means a whole chain of them costs one multiply over the
 * gradients instead of one per transform; `materialize()` is called only by transforms that need
 * element values (weight decay). The optimizer folds what is left into its final assignment.
 *
 * Instances are immutable. Their tensors belong to the caller's tidy scope.
 */
export class Updates {
  private constructor(
    /** Unscaled tensors, aligned with the variables. */
    readonly tensors: readonly tf.Tensor[],
    /** Pending factor; undefined means 1. */
    readonly factor: Factor | undefined,
    /** Boolean scalar; when false the whole step must leave every variable unchanged. */
    readonly guard: tf.Scalar | undefined,
  ) {}

  static of(tensors: readonly tf.Tensor[]): Updates {
    return new Updates(tensors, undefined, undefined);
  }

  /** Multiply every update by one scalar (a number or a device scalar), touching no element. */
  scaledBy(scale: tf.Scalar | number): Updates {
    const s = typeof scale === 'number' ? tf.scalar(scale) : scale;
    const { factor } = this;
    const next =
      factor === undefined
        ? s
        : Array.isArray(factor)
          ? (factor as readonly tf.Scalar[]).map((f) => tf.mul(f, s) as tf.Scalar)
          : (tf.mul(factor as tf.Scalar, s) as tf.Scalar);
    return new Updates(this.tensors, next, this.guard);
  }

  /** Multiply update i by scales[i], touching no element. */
  scaledPerTensor(scales: readonly tf.Scalar[]): Updates {
    if (scales.length !== this.tensors.length) {
      throw new RangeError(
        `scaledPerTensor needs one scale per tensor (got ${scales.length} for ${this.tensors.length})`,
      );
    }
    const next = scales.map((s, i) => {
      const f = this.factorAt(i);
      return f === undefined ? s : (tf.mul(f, s) as tf.Scalar);
    });
    return new Updates(this.tensors, next, this.guard);
  }

  /** Apply only if `condition` (boolean scalar) holds, on top of any earlier guard. */
  guardedBy(condition: tf.Scalar): Updates {
    const guard =
      this.guard === undefined ? condition : (tf.logicalAnd(this.guard, condition) as tf.Scalar);
    return new Updates(this.tensors, this.factor, guard);
  }

  /** The pending factor of tensor i, undefined for 1. */
  factorAt(i: number): tf.Scalar | undefined {
    const { factor } = this;
    if (factor === undefined) return undefined;
    return Array.isArray(factor) ? (factor as readonly tf.Scalar[])[i] : (factor as tf.Scalar);
  }

  /**
   * The updates as plain tensors with the factors applied. The guard is kept (not applied), so
   * a transform that materializes and rebuilds with {@link withTensors} loses nothing.
   */
  materialize(): tf.Tensor[] {
    return this.tensors.map((t, i) => {
      const f = this.factorAt(i);
      return f === undefined ? t : tf.mul(t, f);
    });
  }

  /** New element values (already including the factors), keeping the guard. */
  withTensors(tensors: readonly tf.Tensor[]): Updates {
    if (tensors.length !== this.tensors.length) {
      throw new RangeError(
        `withTensors needs ${this.tensors.length} tensors (got ${tensors.length})`,
      );
    }
    return new Updates(tensors, undefined, this.guard);
  }
}
