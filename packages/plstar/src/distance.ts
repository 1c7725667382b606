import { sumOfSquares } from '@deltaclip/core';
import { InvalidOptionError } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A copy of the weights at one moment (w_0), to measure ||w_t - w_0|| later. Holds one tensor per
 * variable until {@link WeightSnapshot.dispose}.
 */
export class WeightSnapshot {
  private readonly weights: tf.Tensor[];
  private readonly names: readonly string[];

  private constructor(variables: readonly tf.Variable[]) {
    this.weights = variables.map((v) => tf.keep(tf.clone(v)));
    this.names = variables.map((v) => v.name);
  }

  /** Copy the current values of `variables`. */
  static capture(variables: readonly tf.Variable[]): WeightSnapshot {
    return new WeightSnapshot(variables);
  }

  /** ||w - w_0|| over all variables (aligned with the captured ones), one small device read. */
  async distance(variables: readonly tf.Variable[]): Promise<number> {
    if (variables.length !== this.weights.length) {
      throw new InvalidOptionError(
        `expected the ${this.weights.length} captured variables (got ${variables.length})`,
      );
    }
    if (this.weights.length === 0) return 0;
    const squared = tf.tidy(() =>
      tf.addN(
        variables.map((v, i) => {
          const w0 = this.weights[i]!;
          if (!tf.util.arraysEqual(v.shape, w0.shape)) {
            throw new InvalidOptionError(
              `variable ${i} ('${v.name}') has shape [${v.shape}], captured '${this.names[i]}' has [${w0.shape}]`,
            );
          }
          return sumOfSquares(tf.sub(v, w0));
        }),
      ),
    );
    const [value] = Array.from(await squared.data());
    squared.dispose();
    return Math.sqrt(value!);
  }

  /** The captured tensors (owned by the snapshot: do not dispose them). */
  tensors(): readonly tf.Tensor[] {
    return this.weights;
  }

  dispose(): void {
    tf.dispose(this.weights);
  }
}
