import type { StepTelemetry } from '@deltaclip/core';
import { requireInteger, requireNonNegative } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import {
  type PlStarAnalysisOptions,
  type PlStarRecord,
  resolveAnalysis,
  runAnalysis,
} from './analyze.js';
import { describeMu, type MuSource } from './certificate.js';
import { WeightSnapshot } from './distance.js';
import { ConcurrentObservationError, MonitorDisposedError } from './errors.js';
import type { DistancePoint, LossPoint, MuPoint } from './points.js';
import { type Distribution, distribution } from './statistics.js';
import type { TangentKernel } from './tangent-kernel.js';

export interface PlStarMonitorOptions extends PlStarAnalysisOptions {
  /** Analyze on steps that are multiples of `every` (default 10); other steps cost nothing. */
  readonly every?: number;
}

/** What a run looked like through the monitor's eyes: plain JSON. */
export interface PlStarSummary {
  readonly observations: number;
  /** The loss every number was measured under (null before any observation). */
  readonly lossConvention: string | null;
  /** Why there is no tangent-kernel bound, in one line (null when the kernel was computed). */
  readonly kernelSkipped: string | null;
  readonly firstStep: number | null;
  readonly lastStep: number | null;
  readonly initialLoss: number | null;
  readonly finalLoss: number | null;
  /** Distribution of the trajectory estimate mu_t. */
  readonly mu: Distribution | null;
  /** Distribution of the kernel's implied mu, 2c lambda_min(K). */
  readonly impliedMu: Distribution | null;
  readonly lambdaMin: Distribution | null;
  readonly beta: Distribution | null;
  readonly maxDistanceFromInit: number | null;
  /** Largest ||K_t - K_0||_F / ||K_0||_F. */
  readonly maxKernelChange: number | null;
  /** Whether mu_t >= impliedMu at every observation where the kernel covered all samples. */
  readonly muAboveKernelBound: boolean | null;
}

/** The certificate's measured inputs, from a monitor's records. */
export interface MonitorCertificateInputs {
  readonly losses: LossPoint[];
  readonly distances: DistancePoint[];
  readonly muTrajectory: MuPoint[];
  /**
   * The smallest kernel-implied mu 2c lambda_min(K) over the observations whose kernel covered
   * every sample (`kernel-full`), else over the subset kernels (`kernel-subset`, optimistic), else
   * the smallest mu_t (`trajectory`, descriptive); null before any observation.
   */
  readonly mu: number | null;
  readonly muSource: MuSource | null;
  /** How many observations `mu` is the minimum over. */
  readonly muPoints: number;
  /** Samples of the kernels behind `mu` (null for `trajectory`), and of the loss (null if unknown). */
  readonly kernelSamples: number | null;
  readonly totalSamples: number | null;
  /** What mu is worth, in words (null before any observation). */
  readonly muNote: string | null;
  /** max over observations of the Hessian's top eigenvalue magnitude; null without any. */
  readonly beta: number | null;
  /** At how many observations beta was measured. */
  readonly betaPoints: number;
  /** The loss these numbers were measured under (null for records that do not say). */
  readonly lossConvention: string | null;
}

/** A PL* monitor for a training loop; see {@link createPlStarMonitor}. */
export interface PlStarMonitor {
  readonly every: number;
  /**
   * Analyze the model at `step` when `step % every === 0` and resolve to the record; resolve to
   * null (doing nothing) otherwise. Await it before the next training step.
   */
  observe(step: number, telemetry?: StepTelemetry): Promise<PlStarRecord | null>;
  /** Every record so far. */
  records(): readonly PlStarRecord[];
  summary(): PlStarSummary;
  /** Losses, distances, mu_t and suggested mu and beta for `certify`. */
  certificateInputs(): MonitorCertificateInputs;
  /** Free the kept weights (w_0) and the power-iteration vector. */
  dispose(): void;
}

function maxOrNull(values: readonly (number | null)[]): number | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return finite.length === 0 ? null : Math.max(...finite);
}

/**
 * The certificate's measured inputs from PL* records (a monitor's, or ones stored in a run's
 * history): losses, distances and mu_t at the observed steps; mu and its source (see
 * {@link MonitorCertificateInputs.mu}); beta as the largest |lambda| of the Hessian.
 */
export function certificateInputsFromRecords(
  records: readonly PlStarRecord[],
): MonitorCertificateInputs {
  const withStep = records.filter((r): r is PlStarRecord & { step: number } => r.step !== null);
  const kernels = withStep
    .map((r) => r.kernel)
    .filter((k): k is NonNullable<PlStarRecord['kernel']> => k !== null);
  const full = kernels.filter((k) => k.coversAllSamples);
  const used = full.length > 0 ? full : kernels;
  const traj = withStep.map((r) => r.mu).filter((m): m is number => m !== null);
  const muSource: MuSource | null =
    full.length > 0
      ? 'kernel-full'
      : kernels.length > 0
        ? 'kernel-subset'
        : traj.length > 0
          ? 'trajectory'
          : null;
  const betas = withStep
    .map((r) => r.hessian?.beta ?? null)
    .filter((b): b is number => b !== null && Number.isFinite(b));
  const muPoints = muSource === 'trajectory' ? traj.length : used.length;
  const kernelSamples =
    muSource === 'trajectory' || used.length === 0 ? null : Math.min(...used.map((k) => k.samples));
  const totalSamples =
    used.find((k) => typeof k.totalSamples === 'number')?.totalSamples ??
    (full.length > 0 ? full[0]!.samples : null);
  return {
    losses: withStep.map((r) => ({ step: r.step, loss: r.loss })),
    distances: withStep
      .filter((r) => r.distanceFromInit !== null)
      .map((r) => ({ step: r.step, distance: r.distanceFromInit! })),
    muTrajectory: withStep.map((r) => ({ step: r.step, mu: r.mu })),
    mu:
      muSource === null
        ? null
        : muSource === 'trajectory'
          ? Math.min(...traj)
          : Math.min(...used.map((k) => k.impliedMu)),
    muSource,
    muPoints,
    kernelSamples,
    totalSamples,
    muNote:
      muSource === null ? null : describeMu(muSource, { muPoints, kernelSamples, totalSamples }),
    beta: betas.length === 0 ? null : Math.max(...betas),
    betaPoints: betas.length,
    // Records stored by an older version carry no convention.
    lossConvention:
      withStep.find((r) => typeof r.lossConvention === 'string')?.lossConvention ?? null,
  };
}

/**
 * A framework-agnostic PL* monitor: call `observe(step, telemetry?)` after each optimizer step.
 * It keeps w_0 (the weights at creation) and K_0 (the first kernel), and warm-starts each power
 * iteration from the previous top eigenvector.
 *
 * Cost per observed step, bounded by the options: 1 full-batch gradient (mu_t); n*k single-sample
 * gradients for the kernel (n = tangentKernelSamples, k outputs) plus (nk)^2 p/2 host multiply-adds
 * and an (nk)^3 eigen-decomposition; 2 full-batch gradients per power iteration (at most
 * hessianIterations) with finite differences; one pass over the weights for ||w_t - w_0||.
 * Memory: one copy of the weights, n*k*p float32 Jacobian values while the kernel is computed.
 */
export function createPlStarMonitor(options: PlStarMonitorOptions): PlStarMonitor {
  const every = requireInteger('every', options.every ?? 10, 1);
  const resolved = resolveAnalysis(options);
  const initialWeights = WeightSnapshot.capture(resolved.variables);
  let initialKernel: TangentKernel | undefined;
  let hessianStart: tf.Tensor[] | undefined;
  const records: PlStarRecord[] = [];
  let running: number | null = null;
  let disposed = false;

  return {
    every,
    async observe(step, telemetry) {
      requireNonNegative('step', step);
      if (step % every !== 0) return null;
      if (disposed) throw new MonitorDisposedError(step);
      if (running !== null) throw new ConcurrentObservationError(step, running);
      running = step;
      try {
        const { record, kernel, hessianVector } = await runAnalysis(resolved, {
          step,
          initialWeights,
          kernelIsReference: true,
          ...(initialKernel === undefined ? {} : { initialKernel }),
          ...(hessianStart === undefined ? {} : { hessianStart }),
          ...(telemetry === undefined ? {} : { telemetry }),
        });
        if (initialKernel === undefined && kernel !== null) initialKernel = kernel;
        if (hessianVector !== null) {
          if (hessianStart !== undefined) tf.dispose(hessianStart);
          hessianStart = hessianVector;
        }
        records.push(record);
        return record;
      } finally {
        running = null;
      }
    },
    records: () => records,
    summary(): PlStarSummary {
      const first = records[0];
      const last = records[records.length - 1];
      const bounds = records
        .map((r) => r.muAboveKernelBound)
        .filter((b): b is boolean => b !== null);
      return {
        observations: records.length,
        lossConvention: first?.lossConvention ?? null,
        kernelSkipped: last?.kernelSkipped ?? null,
        firstStep: first?.step ?? null,
        lastStep: last?.step ?? null,
        initialLoss: first?.loss ?? null,
        finalLoss: last?.loss ?? null,
        mu: distribution(records.map((r) => r.mu)),
        impliedMu: distribution(records.map((r) => r.kernel?.impliedMu ?? null)),
        lambdaMin: distribution(records.map((r) => r.kernel?.lambdaMin ?? null)),
        beta: distribution(records.map((r) => r.hessian?.beta ?? null)),
        maxDistanceFromInit: maxOrNull(records.map((r) => r.distanceFromInit)),
        maxKernelChange: maxOrNull(records.map((r) => r.kernel?.relativeChange ?? null)),
        muAboveKernelBound: bounds.length === 0 ? null : bounds.every(Boolean),
      };
    },
    certificateInputs: () => certificateInputsFromRecords(records),
    dispose() {
      if (disposed) return;
      disposed = true;
      initialWeights.dispose();
      if (hessianStart !== undefined) tf.dispose(hessianStart);
      hessianStart = undefined;
    },
  };
}
