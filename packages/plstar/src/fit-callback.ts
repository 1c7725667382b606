import { canonicalClassName, type StepTelemetry } from '@deltaclip/core';
import { InvalidOptionError, requireInteger } from '@deltaclip/utils';
import type * as tf from '@tensorflow/tfjs-core';
import type { PlStarAnalysisOptions, PlStarRecord } from './analyze.js';
import type { Certificate } from './certificate.js';
import { certifyRun, type NotCovered, type OptimizerDescription } from './coverage.js';
import {
  type FromLayersModelOptions,
  fromLayersModel,
  type LayersModelLike,
} from './layers-model.js';
import { createPlStarMonitor, type PlStarMonitor, type PlStarSummary } from './monitor.js';

/** A tf.Optimizer as the certificate sees it: its family, eta and gamma. */
export interface FitOptimizer {
  readonly description: OptimizerDescription;
  /** The base learning rate (null when the optimizer's config does not say). */
  readonly eta: number | null;
  readonly gamma?: number;
}

const FAMILIES: Readonly<Record<string, OptimizerDescription['family']>> = {
  SGD: 'gradient-descent',
  'deltaclip.SGD': 'gradient-descent',
  'deltaclip.DeltaGClip': 'delta-gclip',
  'deltaclip.GClip': 'gclip',
  Adam: 'adam',
  'deltaclip.Adam': 'adam',
};

/**
 * Read an optimizer's family and constants from its class name and getConfig (no host read):
 * tfjs's SGD and deltaclip's SGD are gradient descent, deltaclip's δ-GClip and GClip are
 * themselves, Adam is Adam; anything else (momentum, a per-tensor rule, weight decay) is `other`.
 */
export function describeFitOptimizer(optimizer: tf.Optimizer): FitOptimizer {
  const className = canonicalClassName(optimizer.getClassName());
  const config = optimizer.getConfig() as Record<string, unknown>;
  const decayed = typeof config.weightDecay === 'number' && config.weightDecay !== 0;
  const family = decayed ? 'other' : (FAMILIES[className] ?? 'other');
  const eta = typeof config.learningRate === 'number' ? config.learningRate : null;
  const delta =
    family === 'gclip' ? 0 : typeof config.delta === 'number' ? config.delta : undefined;
  return {
    description: {
      family,
      name: decayed ? `${className} with weight decay` : className,
      constantLearningRate: config.schedule == null,
      ...(delta === undefined ? {} : { delta }),
    },
    eta,
    ...(typeof config.gamma === 'number' ? { gamma: config.gamma } : {}),
  };
}

export interface PlStarCallbackOptions
  extends FromLayersModelOptions,
    Omit<
      PlStarAnalysisOptions,
      'model' | 'x' | 'y' | 'lossFn' | 'squareLoss' | 'lossName' | 'variables' | 'training'
    > {
  /** Analyze every k optimizer steps (batches), counted from the start of fit; default 10. */
  readonly every?: number;
  /**
   * The optimizer as the certificate sees it (default: read from `model.optimizer` by
   * {@link describeFitOptimizer}, when fit starts).
   */
  readonly optimizer?: FitOptimizer;
}

/** What the callback saw, and the certificate of the run. Plain JSON. */
export interface PlStarFitResult {
  /** One record per analyzed step (steps 0, k, 2k, ... of this fit). */
  readonly records: readonly PlStarRecord[];
  readonly summary: PlStarSummary;
  /** Optimizer steps fit took (batches). */
  readonly steps: number;
  /** Whether every batch was the whole training set (then the steps are full-batch steps on L). */
  readonly fullBatch: boolean;
  /**
   * Every step's telemetry, when the optimizer is one of deltaclip's and keeps its history
   * (`telemetry: { history: true }`); null otherwise.
   */
  readonly telemetry: readonly StepTelemetry[] | null;
  /** The certificate, or why the argument does not cover this run; null when it cannot be formed. */
  readonly certificate: Certificate | NotCovered | null;
  /** Why `certificate` is null, in one line (null when there is one). */
  readonly certificateSkipped: string | null;
}

/** The tfjs-layers CustomCallback hooks, plus the callback's own results. */
export interface PlStarCallback {
  onTrainBegin(): Promise<void>;
  onEpochBegin(): Promise<void>;
  onBatchBegin(): Promise<void>;
  onTrainEnd(): Promise<void>;
  /** The records so far. */
  records(): readonly PlStarRecord[];
  /** The result of the last fit (rejects before fit has ended). */
  result(): Promise<PlStarFitResult>;
  /** Free w_0 and the analysis state. */
  dispose(): void;
}

interface TelemetrySource {
  readonly telemetry: {
    flush(): Promise<StepTelemetry[]>;
    latest(): Promise<StepTelemetry | undefined>;
  };
}

function telemetryOf(optimizer: tf.Optimizer | undefined): TelemetrySource['telemetry'] | null {
  const t = (optimizer as Partial<TelemetrySource> | undefined)?.telemetry;
  return t !== undefined && typeof t.flush === 'function' && typeof t.latest === 'function'
    ? t
    : null;
}

/**
 * A PL* monitor for `model.fit`: pass it in `callbacks`. At steps 0, k, 2k, ... of the fit (before
 * the batch of that step, so at w_0, w_k, ...) it analyzes the model on the full batch (x, y): mu_t,
 * the tangent kernel (square losses), beta, ||w_t - w_0||, and the deltaclip optimizer's gradient
 * norm, step size and regime of the step that led there. Between those steps it does nothing, so
 * fit keeps its pace: it only hooks batch *begin* and train begin/end, whose logs hold no tensors,
 * so tfjs-layers reads nothing for it either (an onBatchEnd hook would make it read the loss of
 * every batch). At the end of fit `result()` gives the records and the certificate.
 *
 * @example
 * const pl = plStarCallback(model, { x, y, every: 10, tangentKernelSamples: 'all' });
 * await model.fit(x, y, { batchSize: x.shape[0], epochs: 100, callbacks: [pl] });
 * const { certificate } = await pl.result();
 */
export function plStarCallback(
  model: LayersModelLike,
  options: PlStarCallbackOptions,
): PlStarCallback {
  const every = requireInteger('every', options.every ?? 10, 1);
  const {
    every: _every,
    optimizer: givenOptimizer,
    x,
    y,
    loss,
    squareLoss,
    training,
    ...rest
  } = options;
  const inputs = fromLayersModel(model, {
    x,
    y,
    ...(loss === undefined ? {} : { loss }),
    ...(squareLoss === undefined ? {} : { squareLoss }),
    ...(training === undefined ? {} : { training }),
  });
  let monitor: PlStarMonitor | null = null;
  let step = 0;
  let batchesThisEpoch = 0;
  let maxBatchesPerEpoch = 0;
  let startIteration = 0;
  let fitOptimizer: FitOptimizer | null = null;
  let finished: PlStarFitResult | null = null;

  const observe = async () => {
    if (monitor === null || step % every !== 0) return;
    const source = telemetryOf(model.optimizer);
    const telemetry = step > 0 && source !== null ? await source.latest() : undefined;
    await monitor.observe(step, telemetry);
  };

  const finish = async (): Promise<PlStarFitResult> => {
    const m = monitor!;
    const source = telemetryOf(model.optimizer);
    const flushed = source === null ? [] : await source.flush();
    const ours = flushed
      .filter((t) => t.step >= startIteration)
      .map((t) => ({ ...t, step: t.step - startIteration }));
    const telemetry = ours.length === step && step > 0 ? ours : null;
    const fullBatch = maxBatchesPerEpoch <= 1;
    const inputsForCertificate = m.certificateInputs();
    let certificate: Certificate | NotCovered | null = null;
    let certificateSkipped: string | null = null;
    const o = fitOptimizer;
    if (o === null) {
      certificateSkipped =
        'no certificate: the model has no optimizer (compile it, or pass optimizer)';
    } else if (o.eta === null) {
      certificateSkipped = `no certificate: ${o.description.name ?? o.description.family} states no learning rate in getConfig (pass optimizer)`;
    } else if (inputsForCertificate.mu === null) {
      certificateSkipped =
        'no certificate: no analysis point with a finite mu (fit took fewer steps than every, or L = 0)';
    } else if (inputsForCertificate.beta === null) {
      certificateSkipped = 'no certificate: beta was not measured (hessianIterations = 0)';
    } else if (
      o.description.family === 'delta-gclip' &&
      (o.description.delta ?? 0) < 1 &&
      telemetry === null
    ) {
      certificateSkipped =
        "no certificate: δ-GClip's certificate needs every step's h_t; create the optimizer with telemetry: { history: true }";
    } else {
      certificate = certifyRun(
        { ...o.description, fullBatch },
        {
          eta: o.eta,
          ...(o.gamma === undefined ? {} : { gamma: o.gamma }),
          mu: inputsForCertificate.mu,
          muSource: inputsForCertificate.muSource ?? 'trajectory',
          muPoints: inputsForCertificate.muPoints,
          kernelSamples: inputsForCertificate.kernelSamples,
          totalSamples: inputsForCertificate.totalSamples,
          beta: inputsForCertificate.beta,
          betaPoints: inputsForCertificate.betaPoints,
          losses: inputsForCertificate.losses,
          distances: inputsForCertificate.distances,
          muTrajectory: inputsForCertificate.muTrajectory,
          lossConvention: inputsForCertificate.lossConvention,
          ...(telemetry === null ? {} : { steps: telemetry }),
        },
      );
    }
    return {
      records: [...m.records()],
      summary: m.summary(),
      steps: step,
      fullBatch,
      telemetry,
      certificate,
      certificateSkipped,
    };
  };

  return {
    async onTrainBegin() {
      monitor?.dispose();
      finished = null;
      step = 0;
      maxBatchesPerEpoch = 0;
      batchesThisEpoch = 0;
      const optimizer = model.optimizer;
      startIteration = typeof optimizer?.iterations === 'number' ? optimizer.iterations : 0;
      fitOptimizer =
        givenOptimizer ?? (optimizer === undefined ? null : describeFitOptimizer(optimizer));
      // w_0 is the weights when fit starts.
      monitor = createPlStarMonitor({ ...rest, ...inputs, every });
    },
    async onEpochBegin() {
      batchesThisEpoch = 0;
    },
    async onBatchBegin() {
      batchesThisEpoch++;
      maxBatchesPerEpoch = Math.max(maxBatchesPerEpoch, batchesThisEpoch);
      await observe();
      step++;
    },
    async onTrainEnd() {
      await observe();
      finished = await finish();
      // The records are plain JSON: w_0 and the power-iteration vector are no longer needed.
      monitor?.dispose();
    },
    records: () => monitor?.records() ?? [],
    async result() {
      if (finished === null) {
        throw new InvalidOptionError('plStarCallback: result() is ready once model.fit has ended');
      }
      return finished;
    },
    dispose() {
      monitor?.dispose();
      monitor = null;
    },
  };
}
