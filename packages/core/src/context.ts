import * as tf from '@tensorflow/tfjs-core';
import { globalNorm, sumOfSquares } from './norms.js';
import type { StepReport, UpdateContext } from './types.js';

/**
 * The context of one step. Created inside the optimizer's tidy scope, so every tensor it makes
 * is released with the step unless the optimizer keeps it.
 */
export class StepContext implements UpdateContext {
  private globalNormMemo: tf.Scalar | undefined;
  private tensorNormsMemo: tf.Scalar[] | undefined;
  private readonly facts: StepReport = {};

  constructor(
    readonly step: number,
    readonly params: readonly tf.Variable[],
    readonly names: readonly string[],
    readonly rawGradients: readonly tf.Tensor[],
    readonly slots: readonly number[] = names.map((_, i) => i),
  ) {}

  rawGlobalNorm(): tf.Scalar {
    if (this.globalNormMemo === undefined) {
      // Reuse per-tensor norms when they already exist: sqrt(sum n_i^2) needs no pass over data.
      this.globalNormMemo =
        this.tensorNormsMemo === undefined
          ? globalNorm(this.rawGradients)
          : tf.sqrt(tf.addN(this.tensorNormsMemo.map((n) => tf.square(n))));
    }
    return this.globalNormMemo;
  }

  rawTensorNorms(): readonly tf.Scalar[] {
    if (this.tensorNormsMemo === undefined) {
      this.tensorNormsMemo = this.rawGradients.map((g) => tf.sqrt(sumOfSquares(g)));
    }
    return this.tensorNormsMemo;
  }

  report(facts: StepReport): void {
    if (facts.clipScale !== undefined) this.facts.clipScale = facts.clipScale;
    if (facts.regime !== undefined) this.facts.regime = facts.regime;
    if (facts.learningRate !== undefined) this.facts.learningRate = facts.learningRate;
    if (facts.skipped !== undefined) {
      this.facts.skipped =
        this.facts.skipped === undefined
          ? facts.skipped
          : tf.logicalOr(this.facts.skipped, facts.skipped);
    }
  }

  /** What the transforms reported this step. */
  reported(): Readonly<StepReport> {
    return this.facts;
  }
}
