import type { Regime, StepTelemetry } from '@deltaclip/core';
import {
  describeSquareLoss,
  InvalidOptionError,
  requireInteger,
  requirePositive,
  type SquareLossConvention,
  type SquareLossName,
  squareLossName,
  validateSquareLoss,
} from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { WeightSnapshot } from './distance.js';
import { finiteOrNull } from './format.js';
import { topHessianEigenvalue } from './hessian.js';
import { type HvpMethod, type HvpOptions, resolveHvpOptions } from './hvp.js';
import type { LossFn, PlStarModel } from './model.js';
import { resolveSamples, type SampleSelection } from './sample-selection.js';
import { squareResidualLoss } from './square-residual-loss.js';
import {
  kernelImpliedMu,
  kernelRelativeChange,
  type TangentKernel,
  tangentKernel,
} from './tangent-kernel.js';
import { trajectoryMu } from './trajectory-mu.js';

export interface PlStarAnalysisOptions {
  readonly model: PlStarModel;
  /** Training inputs, batch first: the full batch of the loss. */
  readonly x: tf.Tensor;
  /**
   * Targets. Needed only for the default loss (no `lossFn`); with `squareLoss` they must have the
   * shape of `model.apply(x)`. Index labels of a classification run fit when there is no
   * `squareLoss`: the analysis then never compares them with the outputs.
   */
  readonly y?: tf.Tensor;
  /**
   * The full-batch loss L(w) the run minimizes, any loss (softmax cross-entropy, a regularized
   * loss, ...): mu_t and beta are measured under it. Default: the square loss `squareLoss` of
   * `model.apply(x)` against `y`.
   */
  readonly lossFn?: LossFn;
  /**
   * When L is a square loss, its convention. Only then does the tangent kernel bound mu
   * (lambda_min(K) -> mu = 2c lambda_min(K)); without it the kernel is skipped and the record
   * says why in `kernelSkipped`.
   */
  readonly squareLoss?: SquareLossConvention;
  /**
   * What L is, in words, stated in every record and certificate (default: the square-loss
   * convention, e.g. `half-sum: 0.5 * sum of squared errors`, or `a general loss (lossFn)`).
   */
  readonly lossName?: string;
  /** Differentiate with respect to these (default `model.variables`). */
  readonly variables?: readonly tf.Variable[];
  /**
   * Tangent-kernel samples: `'all'` (every training sample: mu is then a true PL* value at each
   * analysis point, `kernel-full`), a count (the first n) or indices; 0 skips it. Default
   * min(N, 32) with a square loss; ignored (the kernel is skipped) without one. See
   * `kernelAnalysisCost` / `chooseKernelSamples` for what 'all' costs.
   */
  readonly tangentKernelSamples?: SampleSelection;
  /** Power iterations for beta (one Hessian-vector product each); 0 skips it. Default 10. */
  readonly hessianIterations?: number;
  /** Relative tolerance that stops the power iteration early (default 1e-3). */
  readonly hessianTolerance?: number;
  readonly hvp?: HvpOptions;
  /** Passed to `model.apply` (default false). */
  readonly training?: boolean;
}

/** The kernel part of a record. */
export interface KernelRecord {
  readonly samples: number;
  /** n*k. */
  readonly size: number;
  /** Whether the kernel covers every sample of the loss (then impliedMu <= mu_t here). */
  readonly coversAllSamples: boolean;
  /** The number of samples of the loss (absent in records stored by older versions). */
  readonly totalSamples?: number;
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  readonly conditionNumber: number | null;
  /** 2c * lambda_min(K) for the square-loss convention. */
  readonly impliedMu: number;
  /** ||K_t - K_0||_F / ||K_0||_F against the first kernel of a monitor (null in one-shot analysis). */
  readonly relativeChange: number | null;
}

export interface HessianRecord {
  /** Signed eigenvalue of largest magnitude. */
  readonly eigenvalue: number;
  /** Its magnitude: beta. */
  readonly beta: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly method: HvpMethod;
}

/** One PL* analysis at given weights: plain JSON. */
export interface PlStarRecord {
  /** Optimizer step (null in one-shot analysis). */
  readonly step: number | null;
  /** L(w), under the loss stated in `lossConvention`. */
  readonly loss: number;
  /** The loss every number of this record was measured under, in words. */
  readonly lossConvention: string;
  /** Its square-loss convention name where L is a square loss, else null. */
  readonly squareLoss: SquareLossName | null;
  readonly gradNormSquared: number;
  /** ||grad L||^2 / (2L); null when L = 0. */
  readonly mu: number | null;
  readonly kernel: KernelRecord | null;
  /** Why `kernel` is null, in one line (null when the kernel was computed). */
  readonly kernelSkipped: string | null;
  readonly hessian: HessianRecord | null;
  /** ||w - w_0|| (null without a reference point). */
  readonly distanceFromInit: number | null;
  /** mu >= impliedMu (up to 1e-4 relative float32 slack), where the kernel covers all samples. */
  readonly muAboveKernelBound: boolean | null;
  /** The optimizer's telemetry at this step, when given. */
  readonly telemetry: {
    readonly gradNorm: number | null;
    readonly stepSize: number | null;
    readonly regime: Regime;
  } | null;
  /** Wall time of the analysis. */
  readonly seconds: number;
}

/** Options with defaults filled in and checked once. */
export interface ResolvedAnalysis {
  readonly model: PlStarModel;
  readonly x: tf.Tensor;
  readonly variables: readonly tf.Variable[];
  readonly squareLoss: SquareLossConvention | null;
  readonly lossConvention: string;
  readonly lossFn: LossFn;
  readonly numElements: number;
  readonly numSamples: number;
  readonly kernelSamples: readonly number[] | null;
  readonly kernelSkipped: string | null;
  readonly hessianIterations: number;
  readonly hessianTolerance: number;
  readonly hvp: Required<HvpOptions>;
  readonly training: boolean;
}

/**
 * Check the options and build the default square loss. Runs the model once to learn the number
 * of residual entries (samples x outputs) that the square-loss convention scales by.
 */
export function resolveAnalysis(options: PlStarAnalysisOptions): ResolvedAnalysis {
  const { model, x, y } = options;
  const squareLoss =
    options.squareLoss === undefined ? null : validateSquareLoss(options.squareLoss, 'squareLoss');
  if (options.lossFn === undefined && squareLoss === null) {
    throw new InvalidOptionError(
      'PL* analysis needs the loss: pass lossFn (any loss, e.g. softmax cross-entropy) or ' +
        "squareLoss (a square-loss convention like { reduction: 'mean', half: false }, with y)",
    );
  }
  if (options.lossFn === undefined && y === undefined) {
    throw new InvalidOptionError(
      'y is needed for the default square loss: pass the targets, or lossFn',
    );
  }
  const training = options.training ?? false;
  const variables = options.variables ?? model.variables;
  if (variables.length === 0) throw new InvalidOptionError('the model has no variables to analyze');
  if (x.rank < 1) throw new InvalidOptionError('x must have a batch dimension (got a scalar)');
  const numSamples = x.shape[0]!;
  const predictionShape = tf.tidy(() => model.apply(x, { training }).shape);
  if (squareLoss !== null && y !== undefined && !tf.util.arraysEqual(predictionShape, y.shape)) {
    // A broadcast here would silently change the loss and the kernel's residual count, so refuse.
    throw new InvalidOptionError(
      `y must have the shape of model.apply(x) [${predictionShape}] for a square loss (got [${y.shape}]); ` +
        'for index labels pass lossFn without squareLoss',
    );
  }
  const lossConvention =
    options.lossName ??
    (squareLoss === null
      ? 'a general loss (lossFn)'
      : `${squareLossName(squareLoss)}: ${describeSquareLoss(squareLoss)}`);
  const samples = options.tangentKernelSamples ?? Math.min(numSamples, 32);
  let kernelSkipped: string | null = null;
  if (squareLoss === null) {
    kernelSkipped = `tangent-kernel bound skipped: ${lossConvention} is not a square loss, and lambda_min(K) bounds mu only for square losses (mu_t is measured under the run's own loss)`;
  } else if (samples === 0) {
    kernelSkipped = 'tangent-kernel bound skipped: tangentKernelSamples = 0';
  }
  const kernelSamples =
    kernelSkipped !== null ? null : resolveSamples(samples, numSamples, 'tangentKernelSamples');
  const target = y;
  return {
    model,
    x,
    variables,
    squareLoss,
    lossConvention,
    lossFn:
      options.lossFn ??
      (() =>
        tf.tidy(() =>
          squareResidualLoss(
            model.apply(x, { training }),
            target!,
            squareLoss as SquareLossConvention,
          ),
        )),
    numElements: predictionShape.reduce((a, b) => a * b, 1),
    numSamples,
    kernelSamples,
    kernelSkipped,
    hessianIterations: requireInteger('hessianIterations', options.hessianIterations ?? 10, 0),
    hessianTolerance: requirePositive('hessianTolerance', options.hessianTolerance ?? 1e-3),
    hvp: resolveHvpOptions(options.hvp),
    training,
  };
}

/** What a monitor carries from one analysis to the next. */
export interface AnalysisContext {
  readonly step: number | null;
  readonly initialWeights?: WeightSnapshot;
  readonly initialKernel?: TangentKernel;
  /** Without `initialKernel`, this kernel becomes K_0 (its relative change is 0) rather than null. */
  readonly kernelIsReference?: boolean;
  readonly hessianStart?: readonly tf.Tensor[];
  readonly telemetry?: StepTelemetry;
  readonly seed?: number;
}

export interface AnalysisResult {
  readonly record: PlStarRecord;
  readonly kernel: TangentKernel | null;
  /** The final power-iteration vector (caller disposes), for a warm start next time. */
  readonly hessianVector: tf.Tensor[] | null;
}

/** One analysis with a context: what {@link analyzePlStar} and the monitor both run. */
export async function runAnalysis(
  a: ResolvedAnalysis,
  context: AnalysisContext,
): Promise<AnalysisResult> {
  const t0 = performance.now();
  const traj = await trajectoryMu(a.lossFn, a.variables);
  let kernel: TangentKernel | null = null;
  let kernelRecord: KernelRecord | null = null;
  if (a.kernelSamples !== null && a.squareLoss !== null) {
    kernel = await tangentKernel(a.model, a.x, {
      samples: a.kernelSamples,
      variables: a.variables,
      training: a.training,
    });
    const { lambdaMin, lambdaMax, conditionNumber } = kernel.spectrum;
    kernelRecord = {
      samples: kernel.samples.length,
      size: kernel.size,
      coversAllSamples: kernel.samples.length === a.numSamples,
      totalSamples: a.numSamples,
      lambdaMin,
      lambdaMax,
      conditionNumber: finiteOrNull(conditionNumber),
      impliedMu: kernelImpliedMu(kernel, a.squareLoss, a.numElements),
      relativeChange:
        context.initialKernel !== undefined
          ? kernelRelativeChange(context.initialKernel, kernel)
          : context.kernelIsReference === true
            ? 0
            : null,
    };
  }
  let hessian: HessianRecord | null = null;
  let hessianVector: tf.Tensor[] | null = null;
  if (a.hessianIterations > 0) {
    const top = await topHessianEigenvalue(a.lossFn, a.variables, {
      iterations: a.hessianIterations,
      tolerance: a.hessianTolerance,
      hvp: a.hvp,
      seed: context.seed ?? 0,
      returnVector: true,
      ...(context.hessianStart === undefined ? {} : { initial: context.hessianStart }),
    });
    hessianVector = top.vector ?? null;
    hessian = {
      eigenvalue: top.eigenvalue,
      beta: top.beta,
      iterations: top.iterations,
      converged: top.converged,
      method: a.hvp.method,
    };
  }
  const distanceFromInit =
    context.initialWeights === undefined
      ? null
      : await context.initialWeights.distance(a.variables);
  const muAboveKernelBound =
    kernelRecord === null || !kernelRecord.coversAllSamples || traj.mu === null
      ? null
      : traj.mu >= kernelRecord.impliedMu * (1 - 1e-4);
  const t = context.telemetry;
  return {
    record: {
      step: context.step,
      loss: traj.loss,
      lossConvention: a.lossConvention,
      squareLoss: a.squareLoss === null ? null : squareLossName(a.squareLoss),
      gradNormSquared: traj.gradNormSquared,
      mu: finiteOrNull(traj.mu),
      kernel: kernelRecord,
      kernelSkipped: a.kernelSkipped,
      hessian,
      distanceFromInit,
      muAboveKernelBound,
      telemetry:
        t === undefined
          ? null
          : {
              gradNorm: finiteOrNull(t.gradNorm),
              stepSize: finiteOrNull(t.stepSize),
              regime: t.regime,
            },
      seconds: (performance.now() - t0) / 1000,
    },
    kernel,
    hessianVector,
  };
}

/**
 * One-shot PL* analysis of a model at its current weights: mu_t from the full-batch loss and
 * gradient (any loss), the tangent kernel's spectrum and implied mu (square losses only), and beta
 * from power iteration. Cost: one
 * gradient, n*k single-sample gradients (+ host Gram and eigen-decomposition), and 2 gradients per
 * power iteration with finite differences.
 */
export async function analyzePlStar(
  options: PlStarAnalysisOptions & { readonly initialWeights?: WeightSnapshot },
): Promise<PlStarRecord> {
  const resolved = resolveAnalysis(options);
  const { record, hessianVector } = await runAnalysis(resolved, {
    step: null,
    ...(options.initialWeights === undefined ? {} : { initialWeights: options.initialWeights }),
  });
  if (hessianVector !== null) tf.dispose(hessianVector);
  return record;
}
