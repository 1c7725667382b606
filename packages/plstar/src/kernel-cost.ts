import { requireInteger, requirePositive } from '@deltaclip/utils';
import { fmt } from './format.js';

/**
 * Default speeds, measured on the tfjs cpu backend of a 2-core build machine (see the README):
 * one single-sample gradient costs about 4 ms of dispatch plus its arithmetic at about 1 GFLOP/s;
 * the host Gram accumulates about 5e8 float64 multiply-adds per second; ml-matrix's symmetric
 * eigen-decomposition takes about 3e-8 s per (nk)^3. Pass your own where they differ (e.g. the
 * time of one gradient measured on your backend).
 */
export const KERNEL_COST_DEFAULTS = {
  gradientOverheadSeconds: 4e-3,
  gradientFlopsPerSecond: 1e9,
  hostMultiplyAddsPerSecond: 5e8,
  eigenSecondsPerCubedSize: 3e-8,
} as const;

export interface KernelCostInput {
  /** n: the samples in the kernel. */
  readonly samples: number;
  /** k: outputs per sample (default 1). */
  readonly outputsPerSample?: number;
  /** p: trainable parameters. */
  readonly params: number;
  /** Analysis points the kernel is computed at (default 1). */
  readonly observations?: number;
  /** Seconds of one single-sample gradient, if measured (default: overhead + 6p flops). */
  readonly gradientSeconds?: number;
  readonly hostMultiplyAddsPerSecond?: number;
  readonly eigenSecondsPerCubedSize?: number;
}

/** What one kernel costs, and all of them together. Plain JSON. */
export interface KernelCost {
  readonly samples: number;
  /** n*k. */
  readonly size: number;
  readonly params: number;
  readonly observations: number;
  /** Single-sample gradients per observation (n*k). */
  readonly gradients: number;
  /** Host multiply-adds of the Gram matrix per observation ((nk)^2 p / 2). */
  readonly hostMultiplyAdds: number;
  /** Bytes of the float32 Jacobian held while one kernel is built (n*k*p*4). */
  readonly jacobianBytes: number;
  /** Estimated seconds of one kernel, by part. */
  readonly secondsPerObservation: {
    readonly gradients: number;
    readonly gram: number;
    readonly eigen: number;
    readonly total: number;
  };
  /** Estimated seconds over all observations. */
  readonly seconds: number;
}

/**
 * Estimate the cost of the tangent kernel on n samples of a model with p parameters at each of
 * `observations` analysis points: n*k single-sample gradients, (nk)^2 p/2 host multiply-adds and an
 * (nk)^3 eigen-decomposition each, with the speeds of {@link KERNEL_COST_DEFAULTS} unless given.
 */
export function kernelAnalysisCost(input: KernelCostInput): KernelCost {
  const n = requireInteger('samples', input.samples, 0);
  const k = requireInteger('outputsPerSample', input.outputsPerSample ?? 1, 1);
  const p = requireInteger('params', input.params, 1);
  const observations = requireInteger('observations', input.observations ?? 1, 0);
  const perGradient =
    input.gradientSeconds === undefined
      ? KERNEL_COST_DEFAULTS.gradientOverheadSeconds +
        (6 * p) / KERNEL_COST_DEFAULTS.gradientFlopsPerSecond
      : requirePositive('gradientSeconds', input.gradientSeconds);
  const hostRate = requirePositive(
    'hostMultiplyAddsPerSecond',
    input.hostMultiplyAddsPerSecond ?? KERNEL_COST_DEFAULTS.hostMultiplyAddsPerSecond,
  );
  const eigenRate = requirePositive(
    'eigenSecondsPerCubedSize',
    input.eigenSecondsPerCubedSize ?? KERNEL_COST_DEFAULTS.eigenSecondsPerCubedSize,
  );
  const size = n * k;
  const hostMultiplyAdds = (size * size * p) / 2;
  const gradients = size * perGradient;
  const gram = hostMultiplyAdds / hostRate;
  const eigen = size ** 3 * eigenRate;
  const total = gradients + gram + eigen;
  return {
    samples: n,
    size,
    params: p,
    observations,
    gradients: size,
    hostMultiplyAdds,
    jacobianBytes: size * p * 4,
    secondsPerObservation: { gradients, gram, eigen, total },
    seconds: total * observations,
  };
}

export interface KernelChoiceInput extends Omit<KernelCostInput, 'samples'> {
  /** N: the training samples of the loss. */
  readonly numSamples: number;
  /** Seconds the whole analysis may spend on kernels. */
  readonly budgetSeconds: number;
  /** Largest Jacobian to hold at once (default 1 GiB). */
  readonly maxJacobianBytes?: number;
}

/** Which tangent-kernel samples to use, where mu will then come from, and why. Plain JSON. */
export interface KernelChoice {
  /** For `tangentKernelSamples`: 'all', a count, or 0 (no kernel). */
  readonly tangentKernelSamples: 'all' | number;
  readonly muSource: 'kernel-full' | 'kernel-subset' | 'trajectory';
  /** The estimated cost of the choice, and of the kernel on all samples. */
  readonly cost: KernelCost;
  readonly fullCost: KernelCost;
  readonly budgetSeconds: number;
  /** One line: what was chosen and why. */
  readonly reason: string;
}

/**
 * Choose mu's source for an analysis: the kernel on all samples (`kernel-full`) when its estimated
 * cost fits the time and memory budget, else the largest subset that fits (`kernel-subset`,
 * optimistic), else none (`trajectory`).
 */
export function chooseKernelSamples(input: KernelChoiceInput): KernelChoice {
  const total = requireInteger('numSamples', input.numSamples, 1);
  const budget = requirePositive('budgetSeconds', input.budgetSeconds);
  const maxBytes = requirePositive('maxJacobianBytes', input.maxJacobianBytes ?? 2 ** 30);
  const costOf = (samples: number) => kernelAnalysisCost({ ...input, samples });
  const fits = (c: KernelCost) => c.seconds <= budget && c.jacobianBytes <= maxBytes;
  const fullCost = costOf(total);
  const points = fullCost.observations;
  const at = `${points} analysis point${points === 1 ? '' : 's'}`;
  const estimate = (c: KernelCost) =>
    `estimated ${fmt(c.seconds)} s for ${c.samples} samples at ${at}`;
  if (fits(fullCost)) {
    return {
      tangentKernelSamples: 'all',
      muSource: 'kernel-full',
      cost: fullCost,
      fullCost,
      budgetSeconds: budget,
      reason: `tangent kernel on all ${total} samples (kernel-full: a true PL* value at each point): ${estimate(fullCost)}, within the ${fmt(budget)} s budget`,
    };
  }
  // Cost grows with n: the largest n that fits, by bisection.
  let lo = 0;
  let hi = total;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(costOf(mid))) lo = mid;
    else hi = mid - 1;
  }
  const over =
    fullCost.jacobianBytes > maxBytes
      ? `its Jacobian needs ${fmt(fullCost.jacobianBytes / 2 ** 20)} MiB (> ${fmt(maxBytes / 2 ** 20)} MiB)`
      : `${estimate(fullCost)}, over the ${fmt(budget)} s budget`;
  if (lo === 0) {
    return {
      tangentKernelSamples: 0,
      muSource: 'trajectory',
      cost: costOf(0),
      fullCost,
      budgetSeconds: budget,
      reason: `no tangent kernel (mu from the run's own mu_t: descriptive, not a guarantee): even one sample does not fit, and the kernel on all ${total} samples is ${over}`,
    };
  }
  const cost = costOf(lo);
  return {
    tangentKernelSamples: lo,
    muSource: 'kernel-subset',
    cost,
    fullCost,
    budgetSeconds: budget,
    reason: `tangent kernel on ${lo} of ${total} samples (kernel-subset: optimistic, a subset's lambda_min is at least the full one's): the kernel on all samples is ${over}; ${estimate(cost)}`,
  };
}
