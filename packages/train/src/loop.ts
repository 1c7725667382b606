import type { Dataset, LabelEncoding } from '@deltaclip/datasets';
import type { Model } from '@deltaclip/models';
import { requireInteger } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import type { Callback, RunContext, TrainEnd } from './callbacks.js';
import type { RunPosition } from './checkpoint-format.js';
import {
  type EpochRecord,
  emptyHistory,
  type Metrics,
  type RunHistory,
  type StepRecord,
} from './history.js';
import type { Objective } from './objective.js';

export interface TrainOptions {
  readonly model: Model;
  readonly optimizer: tf.Optimizer;
  readonly objective: Objective;
  readonly train: Dataset;
  readonly validation?: Dataset;
  readonly test?: Dataset;
  readonly epochs: number;
  /** Samples per step; the training set size gives full-batch gradient descent. */
  readonly batchSize: number;
  /** Seed of the data order (epoch e's order is a function of (seed, e) alone). */
  readonly seed: number;
  /** Shuffle each epoch (default true). */
  readonly shuffle?: boolean;
  /** How class labels reach the objective (default 'oneHot'). */
  readonly labels?: LabelEncoding;
  /** Resume here (from a checkpoint); default the start. */
  readonly start?: RunPosition;
  /** History recorded before `start`, continued by this run. */
  readonly history?: RunHistory;
  /** Stop after this many steps in total (counting steps before `start`). */
  readonly maxSteps?: number;
  /** Read step losses and telemetry from the device every this many steps (default 16). */
  readonly recordEvery?: number;
  /** Batch size of evaluation passes (default 1024). */
  readonly evalBatchSize?: number;
  readonly callbacks?: readonly Callback[];
  /** Abort to stop after the current step (Ctrl-C handlers use this). */
  readonly signal?: AbortSignal;
}

export interface TrainResult {
  readonly history: RunHistory;
  /** Position of the next step: where a resumed run would continue. */
  readonly position: RunPosition;
  readonly stopped: boolean;
  readonly reason?: string;
  /** Wall-clock seconds of this call. */
  readonly seconds: number;
  /**
   * The first step whose training loss was not finite, and that loss (NaN or ±Infinity). The run
   * stops there; report it as "diverged at step k", never by the last finite loss.
   */
  readonly diverged?: { readonly step: number; readonly loss: number };
}

interface TelemetrySource {
  telemetry: {
    flush(): Promise<
      { step: number; gradNorm: number; stepSize: number; regime: StepRecord['regime'] }[]
    >;
  };
}

function hasTelemetry(o: tf.Optimizer): o is tf.Optimizer & TelemetrySource {
  const t = (o as unknown as Partial<TelemetrySource>).telemetry;
  return t !== undefined && typeof t.flush === 'function';
}

const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Evaluate `objective.metricSums` over a whole split in inference mode and average per sample.
 * One read from the device per split.
 */
export async function evaluate(
  model: Model,
  objective: Objective,
  data: Dataset,
  options: { batchSize?: number; labels?: LabelEncoding } = {},
): Promise<Metrics> {
  const totals = new Map<string, tf.Scalar>();
  for (const batch of data.batches({
    batchSize: options.batchSize ?? 1024,
    shuffle: false,
    ...(options.labels ? { labels: options.labels } : {}),
  })) {
    const sums = tf.tidy(() => objective.metricSums(model, batch));
    tf.dispose(batch);
    for (const [name, value] of Object.entries(sums)) {
      const previous = totals.get(name);
      totals.set(name, previous === undefined ? value : tf.tidy(() => tf.add(previous, value)));
      if (previous !== undefined) tf.dispose([previous, value]);
    }
  }
  const names = [...totals.keys()];
  if (names.length === 0) return {};
  const stacked = tf.stack(names.map((n) => totals.get(n)!));
  const values = await stacked.data();
  tf.dispose([stacked, ...totals.values()]);
  return Object.fromEntries(names.map((n, i) => [n, values[i]! / data.size]));
}

/**
 * The training loop: epochs of seeded batches, one optimizer step per batch, evaluation at each
 * epoch's end on every split given, callbacks, and exact resumption from a {@link RunPosition}.
 *
 * The loop never blocks on the device per step: step losses and optimizer telemetry are read
 * asynchronously every `recordEvery` steps.
 */
export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const t0 = performance.now();
  const { model, optimizer, objective, train } = options;
  const epochs = requireInteger('epochs', options.epochs, 1);
  const batchSize = requireInteger('batchSize', options.batchSize, 1);
  const recordEvery = requireInteger('recordEvery', options.recordEvery ?? 16, 1);
  const maxSteps =
    options.maxSteps === undefined ? undefined : requireInteger('maxSteps', options.maxSteps, 1);
  if (train.size === 0) throw new RangeError('the training set is empty (0 samples)');
  const stepsPerEpoch = Math.ceil(train.size / batchSize);
  const history = options.history ?? emptyHistory();
  const callbacks = options.callbacks ?? [];
  let position: RunPosition = options.start ?? { step: 0, epoch: 0, batch: 0 };
  let stopReason: string | undefined;
  let diverged: { step: number; loss: number } | undefined;
  const pending: { step: number; loss: tf.Scalar }[] = [];

  const run: RunContext = {
    model,
    optimizer,
    get position() {
      return position;
    },
    history,
    stepsPerEpoch,
    epochs,
    requestStop(reason: string) {
      stopReason ??= reason;
    },
    flushRecords: () => flushRecords(),
  };
  const onAbort = () => run.requestStop('aborted');
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();

  const flushRecords = async () => {
    const batch = pending.splice(0);
    const telemetry = hasTelemetry(optimizer) ? await optimizer.telemetry.flush() : [];
    if (batch.length === 0) return;
    const stacked = tf.stack(batch.map((p) => p.loss));
    const losses = await stacked.data();
    tf.dispose([stacked, ...batch.map((p) => p.loss)]);
    const byStep = new Map(telemetry.map((t) => [t.step, t]));
    const records: StepRecord[] = batch.map((p, i) => {
      const t = byStep.get(p.step);
      return t === undefined
        ? { step: p.step, loss: losses[i]! }
        : {
            step: p.step,
            loss: losses[i]!,
            gradNorm: t.gradNorm,
            stepSize: t.stepSize,
            regime: t.regime,
          };
    });
    history.steps.push(...records);
    const bad = diverged === undefined ? records.find((r) => !Number.isFinite(r.loss)) : undefined;
    if (bad !== undefined) {
      diverged = { step: bad.step, loss: bad.loss };
      run.requestStop(`diverged at step ${bad.step} (loss ${bad.loss})`);
    }
    for (const c of callbacks) await c.onStepRecords?.(run, records);
  };

  const evaluateSplits = async (): Promise<Omit<EpochRecord, 'epoch' | 'step' | 'seconds'>> => {
    const opts = {
      batchSize: options.evalBatchSize ?? 1024,
      ...(options.labels ? { labels: options.labels } : {}),
    };
    const trainMetrics = await evaluate(model, objective, train, opts);
    const validation = options.validation
      ? await evaluate(model, objective, options.validation, opts)
      : undefined;
    const test = options.test ? await evaluate(model, objective, options.test, opts) : undefined;
    return {
      train: trainMetrics,
      ...(validation ? { validation } : {}),
      ...(test ? { test } : {}),
    };
  };

  try {
    for (const c of callbacks) await c.onTrainBegin?.(run);
    // A fresh run records the metrics at initialization as epoch -1 (so curves start at step 0).
    if (position.step === 0 && history.epochs.length === 0) {
      history.epochs.push({ epoch: -1, step: 0, ...(await evaluateSplits()), seconds: 0 });
    }
    while (position.epoch < epochs && stopReason === undefined) {
      const { epoch } = position;
      const batches = train.batches({
        batchSize,
        seed: options.seed,
        epoch,
        startBatch: position.batch,
        shuffle: options.shuffle ?? true,
        ...(options.labels ? { labels: options.labels } : {}),
      });
      for (const batch of batches) {
        const step = position.step;
        const loss = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(
            () => objective.loss(model, batch, step),
            model.variables as tf.Variable[],
          );
          optimizer.applyGradients(grads);
          return value;
        });
        tf.dispose(batch);
        pending.push({ step, loss });
        const nextBatch = position.batch + 1;
        position =
          nextBatch >= stepsPerEpoch
            ? { step: step + 1, epoch: epoch + 1, batch: 0 }
            : { step: step + 1, epoch, batch: nextBatch };
        if (pending.length >= recordEvery) await flushRecords();
        for (const c of callbacks) await c.onStepEnd?.(run);
        if (maxSteps !== undefined && position.step >= maxSteps) {
          run.requestStop(`reached maxSteps ${maxSteps}`);
        }
        await yieldToEventLoop();
        if (stopReason !== undefined) break;
      }
      if (position.epoch > epoch) {
        await flushRecords();
        const record: EpochRecord = {
          epoch,
          step: position.step,
          ...(await evaluateSplits()),
          seconds: (performance.now() - t0) / 1000,
        };
        history.epochs.push(record);
        // The last update can take finite weights to a non-finite loss that no step record sees
        // (a step's loss is taken before its update): the evaluation of L(w_k) catches it.
        const trainLoss = record.train.loss;
        if (diverged === undefined && trainLoss !== undefined && !Number.isFinite(trainLoss)) {
          diverged = { step: record.step, loss: trainLoss };
          run.requestStop(`diverged at step ${record.step} (loss ${trainLoss})`);
        }
        for (const c of callbacks) await c.onEpochEnd?.(run, record);
      }
    }
    await flushRecords();
    const end: TrainEnd =
      stopReason === undefined ? { stopped: false } : { stopped: true, reason: stopReason };
    for (const c of callbacks) await c.onTrainEnd?.(run, end);
    return {
      history,
      position,
      stopped: end.stopped,
      ...(end.reason === undefined ? {} : { reason: end.reason }),
      ...(diverged === undefined ? {} : { diverged }),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    tf.dispose(pending.map((p) => p.loss));
  }
}
