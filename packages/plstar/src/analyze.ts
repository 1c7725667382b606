import type { Regime, StepTelemetry } from '@deltaclip/core';
import { requireInteger, requirePositive } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { WeightSnapshot } from './distance.js';
import { finiteOrNull } from './format.js';
import { topHessianEigenvalue } from './hessian.js';
import { type HvpMethod, type HvpOptions, resolveHvpOptions } from './hvp.js';
import { type SquareLossConvention, squareLoss, validateSquareLoss } from './loss-convention.js';
import type { LossFn, PlStarModel } from './model.js';
import { resolveSamples, type SampleSelection } from './sample-selection.js';
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
  /** Targets, the shape of `model.apply(x)`. */
  readonly y: tf.Tensor;
  /** The square-loss convention of the loss being minimized. */
  readonly loss: SquareLossConvention;
  /**
   * The scalar loss for mu_t and the Hessian, when it is not exactly the square loss on (x, y) —
   * e.g. with a regularizer. The tangent kernel's implied mu always refers to the square loss.
   */
  readonly lossFn?: LossFn;
  /** Differentiate with respect to these (default `model.variables`). */
  readonly variables?: readonly tf.Variable[];
  /** Tangent-kernel samples: a count (the first n) or indices; 0 skips it. Default min(N, 32). */
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
  readonly loss: number;
  readonly gradNormSquared: number;
  /** ||grad L||^2 / (2L); null when L = 0. */
  readonly mu: number | null;
  readonly kernel: KernelRecord | null;
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
  readonly loss: SquareLossConvention;
  readonly lossFn: LossFn;
  readonly numElements: number;
  readonly numSamples: number;
  readonly kernelSamples: readonly number[] | null;
  readonly hessianIterations: number;
  readonly hessianTolerance: number;
  readonly hvp: Required<HvpOptions>;
  readonly training: boolean;
}

/** Check the options and build the default square loss. Runs the model once to check shapes. */
export function resolveAnalysis(options: PlStarAnalysisOptions): ResolvedAnalysis {
  const { model, x, y } = options;
  const loss = validateSquareLoss(options.loss);
  const training = options.training ?? false;
  const variables = options.variables ?? model.variables;
  if (variables.length === 0) throw new RangeError('the model has no variables to analyze');
  if (x.rank < 1) throw new RangeError('x must have a batch dimension (got a scalar)');
  const numSamples = x.shape[0]!;
  const predictionShape = tf.tidy(() => model.apply(x, { training }).shape);
  if (!tf.util.arraysEqual(predictionShape, y.shape)) {
    // A broadcast here would silently change the loss, so refuse.
    throw new RangeError(
      `y must have the shape of model.apply(x) [${predictionShape}] (got [${y.shape}])`,
    );
  }
  const samples = options.tangentKernelSamples ?? Math.min(numSamples, 32);
  const kernelSamples =
    samples === 0 ? null : resolveSamples(samples, numSamples, 'tangentKernelSamples');
  return {
    model,
    x,
    variables,
    loss,
    lossFn:
      options.lossFn ?? (() => tf.tidy(() => squareLoss(model.apply(x, { training }), y, loss))),
    numElements: y.size,
    numSamples,
    kernelSamples,
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
  if (a.kernelSamples !== null) {
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
      lambdaMin,
      lambdaMax,
      conditionNumber: finiteOrNull(conditionNumber),
      impliedMu: kernelImpliedMu(kernel, a.loss, a.numElements),
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
      gradNormSquared: traj.gradNormSquared,
      mu: finiteOrNull(traj.mu),
      kernel: kernelRecord,
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
 * gradient, the tangent kernel's spectrum and implied mu, and beta from power iteration. Cost: one
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
