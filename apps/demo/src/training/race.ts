/**
 * A fair race: one model per optimizer, all built from the same seed (identical initial weights,
 * distinct variable prefixes), stepped in lockstep on the same batches in the same order. Along
 * the way it measures, at fixed steps, the full-batch train loss, the test loss, the PL* estimate
 * mu_t = ||grad L||^2 / 2L under the race's own loss and the distance from initialization (one
 * plstar monitor per optimizer), and for the clipping optimizers the smoothness beta (plstar's
 * warm-started power iteration, every BETA_EVERY_EVALS evaluations); keeps each step's telemetry from
 * @deltaclip/core. Every number depends only on the settings, so the same URL gives the same run.
 */
import type { StepTelemetry } from '@deltaclip/core';
import type { Batch } from '@deltaclip/datasets';
import {
  accuracy,
  createModel,
  type Model,
  type NamedWeight,
  softmaxCrossEntropy,
  squareLoss,
} from '@deltaclip/models';
import {
  adviseDelta,
  type Certificate,
  certify,
  createPlStarMonitor,
  type DeltaAdvice,
  type MuSource,
  type PlStarMonitor,
  topHessianEigenvalue,
} from '@deltaclip/plstar';
import { MEAN } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { PreparedData } from '../data/prepare-data.js';
import {
  type LossName,
  OPTIMIZER_LABELS,
  type OptimizerId,
  type Settings,
} from '../state/settings.js';
import { featureTensor, isIdentity } from './features.js';
import { type NetworkWeights, readNetwork } from './network.js';
import { createOptimizer, effectiveDelta, isClipping, type RacingOptimizer } from './optimizers.js';

/** Full-batch measurements of one optimizer at one step. */
export interface EvalPoint {
  readonly step: number;
  /** Full-batch training loss L(w_t). */
  readonly trainLoss: number;
  readonly testLoss: number | null;
  /** Classification only. */
  readonly trainAccuracy: number | null;
  readonly testAccuracy: number | null;
  /** ||grad L(w_t)||^2 / (2 L(w_t)) on the full training set; null when L = 0. */
  readonly mu: number | null;
  /** ||grad L(w_t)|| on the full training set. */
  readonly fullGradNorm: number;
  /** ||w_t - w_0||. */
  readonly distance: number;
}

/** The top Hessian eigenvalue magnitude of the full-batch loss at a step. */
export interface BetaPoint {
  readonly step: number;
  readonly beta: number;
}

/** What happened since the last drain: new measurements per optimizer. */
export interface RaceUpdate {
  readonly step: number;
  readonly evals: Partial<Record<OptimizerId, EvalPoint[]>>;
  readonly telemetry: Partial<Record<OptimizerId, StepTelemetry[]>>;
  readonly betas: Partial<Record<OptimizerId, BetaPoint[]>>;
}

/** The certificate and δ advice of a clipping optimizer. */
export interface Analysis {
  readonly id: OptimizerId;
  readonly step: number;
  readonly eta: number;
  readonly gamma: number;
  readonly delta: number;
  /**
   * mu used: the smallest kernel-implied 2c lambda_min(K) where the kernel on every sample was
   * measured, else the smallest mu_t (0 if none).
   */
  readonly mu: number;
  /** Where mu comes from (plstar's MuSource): `kernel-full` or `trajectory`. */
  readonly muSource: MuSource | null;
  /** beta used: the largest measured. */
  readonly beta: number;
  readonly certificate: Certificate;
  readonly advice: DeltaAdvice;
}

interface Racer {
  readonly id: OptimizerId;
  readonly label: string;
  readonly model: Model;
  readonly optimizer: RacingOptimizer;
  /** mu_t, L and ||w_t - w_0|| at every evaluation (it keeps w_0). */
  readonly monitor: PlStarMonitor;
  /**
   * The tangent kernel on every training sample, observed with beta (clipping optimizers under a
   * square loss on small data only): its 2c lambda_min(K) is a PL* constant, so the certificate's
   * mu is `kernel-full` and can be informative, where the trajectory's own mu_t never is.
   */
  readonly kernelMonitor: PlStarMonitor | null;
  /** w_0 as read at the start, for the fairness check. */
  initialWeights: readonly NamedWeight[];
  readonly evals: EvalPoint[];
  readonly steps: StepTelemetry[];
  readonly betas: BetaPoint[];
  hessianVector: tf.Tensor[] | null;
  /** How much of evals/steps/betas the last drain delivered. */
  sent: { evals: number; steps: number; betas: number };
}

/** beta is measured every this many evaluations (power iteration costs 2 gradients per round). */
export const BETA_EVERY_EVALS = 10;
/** Power-iteration rounds per beta measurement (warm-started from the previous vector). */
export const BETA_ITERATIONS = 6;
/**
 * Largest kernel (training samples x outputs) measured for the certificate: one single-sample
 * gradient per row at every beta measurement, and an O(rows^3) spectrum.
 */
export const KERNEL_MAX_ROWS = 64;
/** Heatmap grid: cells per side. */
export const GRID_SIZE = 48;

function isCrossEntropy(loss: LossName, task: PreparedData['task']): boolean {
  return task === 'classification' && loss === 'cross-entropy';
}

function lossFunction(loss: LossName, task: PreparedData['task']) {
  if (isCrossEntropy(loss, task)) {
    return (prediction: tf.Tensor, y: tf.Tensor) => softmaxCrossEntropy(prediction, y);
  }
  // Mean over all outputs (= tf.losses.meanSquaredError, utils' MEAN); one-hot targets for classification.
  return (prediction: tf.Tensor, y: tf.Tensor) => squareLoss(prediction, y, MEAN);
}

export class Race {
  readonly settings: Settings;
  readonly data: PreparedData;
  /** Steps taken by every optimizer. */
  step = 0;
  private readonly racers: Racer[];
  private readonly full: Batch;
  private readonly test: Batch | null;
  private readonly grid: tf.Tensor2D | null;
  private readonly batchSize: number;
  private readonly batchesPerEpoch: number;
  private readonly loss: (prediction: tf.Tensor, y: tf.Tensor) => tf.Scalar;
  /** The chosen inputs of a 2-D set; null: the data's own features, as they are. */
  private readonly features: Settings['features'] | null;
  /** What the model is fed, one name per input. */
  readonly inputNames: readonly string[];
  private evaluations = 0;
  private disposed = false;

  private constructor(settings: Settings, data: PreparedData) {
    this.settings = settings;
    this.data = data;
    this.loss = lossFunction(settings.loss, data.task);
    // Input features apply to 2-D sets only (the plane the heatmap shows).
    this.features =
      data.plane === null || data.inputSize !== 2 || isIdentity(settings.features)
        ? null
        : settings.features;
    this.inputNames = this.features ?? data.featureNames;
    this.full = this.mapped(data.train.toTensors());
    this.test = data.test === null ? null : this.mapped(data.test.toTensors());
    this.batchSize =
      settings.batchSize === 0 ? data.train.size : Math.min(settings.batchSize, data.train.size);
    this.batchesPerEpoch = data.train.numBatches(this.batchSize);
    this.grid = data.plane === null ? null : this.mappedX(gridTensor(data.plane, GRID_SIZE));
    const hidden = [...settings.hidden];
    const inputSize = this.features?.length ?? data.inputSize;
    const crossEntropy = isCrossEntropy(settings.loss, data.task);
    const kernelAffordable = !crossEntropy && data.train.size * data.outputSize <= KERNEL_MAX_ROWS;
    this.racers = settings.optimizers.map((id) => {
      const model = createModel({
        kind: 'mlp',
        inputSize,
        hidden,
        outputSize: data.outputSize,
        activation: settings.activation,
        parameterization: settings.parameterization,
        // Same seed for every optimizer: identical initial weights.
        seed: settings.seed,
        prefix: `race-${id}`,
      });
      return {
        id,
        label: OPTIMIZER_LABELS[id],
        model,
        optimizer: createOptimizer(id, settings.params[id]),
        monitor: createPlStarMonitor({
          model,
          x: this.full.x,
          y: this.full.y,
          lossFn: this.fullLoss(model),
          // The race's own loss; the kernel bound (square losses only) is not shown on the page.
          ...(crossEntropy ? { lossName: 'softmax cross-entropy' } : { squareLoss: MEAN }),
          every: 1,
          tangentKernelSamples: 0,
          hessianIterations: 0,
        }),
        kernelMonitor:
          kernelAffordable && isClipping(id)
            ? createPlStarMonitor({
                model,
                x: this.full.x,
                y: this.full.y,
                lossFn: this.fullLoss(model),
                squareLoss: MEAN,
                every: 1,
                tangentKernelSamples: 'all',
                hessianIterations: 0,
              })
            : null,
        initialWeights: [],
        evals: [],
        steps: [],
        betas: [],
        hessianVector: null,
        sent: { evals: 0, steps: 0, betas: 0 },
      };
    });
  }

  /** x through the chosen input features (x itself when there are none); disposes x. */
  private mappedX(x: tf.Tensor2D): tf.Tensor2D {
    if (this.features === null) return x;
    const out = featureTensor(x, this.features);
    x.dispose();
    return out;
  }

  private mapped(batch: Batch): Batch {
    return { ...batch, x: this.mappedX(batch.x as tf.Tensor2D) };
  }

  /**
   * The objective every optimizer minimizes: the race's loss plus, with weight decay lambda,
   * lambda/2 times the squared norm of the kernels (biases are not decayed, as in TensorFlow
   * Playground). Added to the loss, so it acts the same way under every optimizer: GClip and
   * δ-GClip clip the gradient of the sum, Adam adapts to it (L2, not AdamW's decoupled decay).
   */
  private objective(model: Model, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
    const data = this.loss(model.apply(x), y);
    const lambda = this.settings.weightDecay;
    if (lambda === 0) return data;
    const kernels = model.variables.filter((v) => v.name.endsWith('/kernel'));
    if (kernels.length === 0) return data;
    const squares = tf.addN(kernels.map((v) => tf.sum(tf.square(v))));
    return tf.add(data, tf.mul(lambda / 2, squares)) as tf.Scalar;
  }

  /** A race at step 0, with the step-0 measurements taken. */
  static async create(settings: Settings, data: PreparedData): Promise<Race> {
    const race = new Race(settings, data);
    for (const r of race.racers) r.initialWeights = await r.model.readWeights();
    await race.evaluate();
    return race;
  }

  get ids(): OptimizerId[] {
    return this.racers.map((r) => r.id);
  }

  get parameterCount(): number {
    return this.racers[0]?.model.parameterCount ?? 0;
  }

  get epoch(): number {
    return Math.floor(this.step / this.batchesPerEpoch);
  }

  /** The batch of step `t`: epoch and position follow from t, the order from the seed. */
  private batchOf(t: number): Batch | null {
    if (this.batchSize >= this.data.train.size) return null; // the full batch, already built
    return this.mapped(
      this.data.train.batch(t % this.batchesPerEpoch, {
        batchSize: this.batchSize,
        seed: this.settings.seed,
        epoch: Math.floor(t / this.batchesPerEpoch),
        shuffle: true,
      }),
    );
  }

  /** One lockstep step: every optimizer takes a step on the same batch. */
  trainStep(): void {
    this.assertLive();
    const batch = this.batchOf(this.step);
    const { x, y } = batch ?? this.full;
    for (const r of this.racers) {
      r.optimizer.minimize(
        () => this.objective(r.model, x, y),
        false,
        r.model.variables as tf.Variable[],
      );
    }
    if (batch !== null) tf.dispose(batch);
    this.step++;
  }

  /**
   * Take up to `count` steps (stopping early when `shouldStop` says so), measuring at every
   * multiple of `evalEvery`. Returns the steps taken.
   */
  async advance(count: number, shouldStop: () => boolean = () => false): Promise<number> {
    let taken = 0;
    while (taken < count && !shouldStop()) {
      this.trainStep();
      taken++;
      if (this.step % this.settings.evalEvery === 0) await this.evaluate();
    }
    return taken;
  }

  private fullLoss(model: Model): () => tf.Scalar {
    return () => tf.tidy(() => this.loss(model.apply(this.full.x), this.full.y));
  }

  /** Measure every optimizer at the current step (and beta every BETA_EVERY_EVALS times). */
  async evaluate(): Promise<void> {
    this.assertLive();
    const withBeta = this.evaluations % BETA_EVERY_EVALS === 0;
    this.evaluations++;
    const classification = this.data.task === 'classification';
    for (const r of this.racers) {
      const record = (await r.monitor.observe(this.step))!;
      const values = tf.tidy(() => {
        const scalars: tf.Scalar[] = [];
        if (this.test !== null) {
          const p = r.model.apply(this.test.x);
          scalars.push(this.loss(p, this.test.y));
          if (classification) scalars.push(accuracy(p, this.test.y));
        }
        if (classification) scalars.push(accuracy(r.model.apply(this.full.x), this.full.y));
        // Always one tensor to read (a dummy zero when there is nothing to measure).
        return scalars.length > 0 ? tf.stack(scalars) : tf.zeros([1]);
      });
      const read = Array.from(await values.data());
      values.dispose();
      const hasTest = this.test !== null;
      r.evals.push({
        step: this.step,
        trainLoss: record.loss,
        testLoss: hasTest ? read[0]! : null,
        testAccuracy: hasTest && classification ? read[1]! : null,
        trainAccuracy: classification ? read[hasTest ? 2 : 0]! : null,
        mu: record.mu,
        fullGradNorm: Math.sqrt(record.gradNormSquared),
        distance: record.distanceFromInit ?? 0,
      });
      if (withBeta && isClipping(r.id)) {
        await this.measureBeta(r);
        await r.kernelMonitor?.observe(this.step);
      }
    }
  }

  private async measureBeta(r: Racer): Promise<void> {
    const top = await topHessianEigenvalue(this.fullLoss(r.model), r.model.variables, {
      iterations: BETA_ITERATIONS,
      seed: this.settings.seed,
      returnVector: true,
      ...(r.hessianVector === null ? {} : { initial: r.hessianVector }),
    });
    if (r.hessianVector !== null) tf.dispose(r.hessianVector);
    r.hessianVector = top.vector ?? null;
    if (Number.isFinite(top.beta)) r.betas.push({ step: this.step, beta: top.beta });
  }

  /** Read the telemetry kept on device since the last call (one read per optimizer). */
  private async flushTelemetry(): Promise<void> {
    for (const r of this.racers) r.steps.push(...(await r.optimizer.telemetry.flush()));
  }

  /** New measurements and telemetry since the last drain. */
  async drain(): Promise<RaceUpdate> {
    await this.flushTelemetry();
    const update: {
      evals: Partial<Record<OptimizerId, EvalPoint[]>>;
      telemetry: Partial<Record<OptimizerId, StepTelemetry[]>>;
      betas: Partial<Record<OptimizerId, BetaPoint[]>>;
    } = { evals: {}, telemetry: {}, betas: {} };
    for (const r of this.racers) {
      update.evals[r.id] = r.evals.slice(r.sent.evals);
      update.telemetry[r.id] = r.steps.slice(r.sent.steps);
      update.betas[r.id] = r.betas.slice(r.sent.betas);
      r.sent = { evals: r.evals.length, steps: r.steps.length, betas: r.betas.length };
    }
    return { step: this.step, ...update };
  }

  /** Every measurement so far (for the run log). */
  async history(): Promise<
    Record<string, { evals: EvalPoint[]; telemetry: StepTelemetry[]; betas: BetaPoint[] }>
  > {
    await this.flushTelemetry();
    return Object.fromEntries(
      this.racers.map((r) => [
        r.id,
        { evals: [...r.evals], telemetry: [...r.steps], betas: [...r.betas] },
      ]),
    );
  }

  /**
   * The model's output on the heatmap grid (GRID_SIZE x GRID_SIZE points, row-major from the
   * top-left corner), per optimizer: class probabilities (cross-entropy), raw outputs (square
   * loss) or the regression value. null when the inputs are not 2-D.
   */
  async heatmaps(): Promise<Partial<Record<OptimizerId, Float32Array>> | null> {
    if (this.grid === null) return null;
    const grid = this.grid;
    const out: Partial<Record<OptimizerId, Float32Array>> = {};
    for (const r of this.racers) {
      const t = tf.tidy(() => {
        const p = r.model.apply(grid);
        return this.data.task === 'classification' && this.settings.loss === 'cross-entropy'
          ? tf.softmax(p)
          : p;
      });
      out[r.id] = (await t.data()) as Float32Array;
      t.dispose();
    }
    return out;
  }

  /**
   * The certificate and δ advice for each clipping optimizer, from the measurements so far.
   * `between` is awaited between the pieces of work (each certificate, each advice), which take
   * longer the longer the run: when it answers false the judgement is abandoned (null), so that
   * a pause need not wait for all of it.
   */
  async analyses(): Promise<Analysis[]>;
  async analyses(between: (() => Promise<boolean>) | undefined): Promise<Analysis[] | null>;
  async analyses(between?: () => Promise<boolean>): Promise<Analysis[] | null> {
    await this.flushTelemetry();
    const result: Analysis[] = [];
    for (const r of this.racers) {
      if (!isClipping(r.id) || r.betas.length === 0 || r.steps.length === 0) continue;
      if (between !== undefined && !(await between())) return null;
      const p = this.settings.params[r.id];
      const delta = effectiveDelta(r.id, p);
      // The monitor's series; beta comes from the separate, sparser power iteration.
      const inputs = r.monitor.certificateInputs();
      // A kernel on every sample gives a true PL* constant; else the trajectory's smallest mu_t.
      const kernel = r.kernelMonitor?.certificateInputs() ?? null;
      const fromKernel = kernel !== null && kernel.muSource === 'kernel-full' ? kernel : null;
      const mu = (fromKernel ?? inputs).mu ?? 0;
      const muSource = (fromKernel ?? inputs).muSource;
      const beta = Math.max(...r.betas.map((b) => b.beta));
      const certificate = certify({
        eta: p.eta,
        gamma: p.gamma,
        delta,
        mu,
        beta: beta > 0 ? beta : Number.MIN_VALUE,
        losses: inputs.losses,
        steps: r.steps,
        distances: inputs.distances,
        muTrajectory: inputs.muTrajectory,
        lossConvention: inputs.lossConvention,
        ...(muSource === null ? {} : { muSource }),
        muPoints: (fromKernel ?? inputs).muPoints,
        ...(fromKernel === null
          ? {}
          : {
              ...(fromKernel.kernelSamples === null
                ? {}
                : { kernelSamples: fromKernel.kernelSamples }),
              ...(fromKernel.totalSamples === null
                ? {}
                : { totalSamples: fromKernel.totalSamples }),
            }),
        betaPoints: r.betas.length,
      });
      if (between !== undefined && !(await between())) return null;
      const advice = adviseDelta({ gamma: p.gamma, delta, steps: r.steps });
      result.push({
        id: r.id,
        step: this.step,
        eta: p.eta,
        gamma: p.gamma,
        delta,
        mu,
        muSource,
        beta,
        certificate,
        advice,
      });
    }
    return result;
  }

  /**
   * The weights the network diagram shows: those of the last optimizer raced (δ-GClip whenever
   * it races), the first units of each layer only.
   */
  async network(): Promise<NetworkWeights | null> {
    const r = this.racers[this.racers.length - 1];
    if (r === undefined) return null;
    return { optimizer: r.id, step: this.step, layers: await readNetwork(r.model) };
  }

  /** Current weights of each optimizer's model. */
  async weights(): Promise<Partial<Record<OptimizerId, NamedWeight[]>>> {
    const out: Partial<Record<OptimizerId, NamedWeight[]>> = {};
    for (const r of this.racers) out[r.id] = await r.model.readWeights();
    return out;
  }

  /** Initial weights of every model, as given to each (for tests of fairness). */
  initialWeights(id: OptimizerId): readonly NamedWeight[] {
    return this.racers.find((r) => r.id === id)!.initialWeights;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('this race was disposed; start a new one');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const r of this.racers) {
      r.model.dispose();
      r.optimizer.dispose();
      r.monitor.dispose();
      r.kernelMonitor?.dispose();
      if (r.hessianVector !== null) tf.dispose(r.hessianVector);
    }
    tf.dispose([this.full, ...(this.test === null ? [] : [this.test])]);
    this.grid?.dispose();
  }
}

/** GRID_SIZE^2 points covering the extent, row-major from the top-left (max y) corner. */
function gridTensor(plane: NonNullable<PreparedData['plane']>, size: number): tf.Tensor2D {
  const values = new Float32Array(size * size * 2);
  for (let row = 0; row < size; row++) {
    const y = plane.y[1] - ((row + 0.5) / size) * (plane.y[1] - plane.y[0]);
    for (let col = 0; col < size; col++) {
      const x = plane.x[0] + ((col + 0.5) / size) * (plane.x[1] - plane.x[0]);
      const i = 2 * (row * size + col);
      values[i] = x;
      values[i + 1] = y;
    }
  }
  return tf.tensor2d(values, [size * size, 2]);
}
