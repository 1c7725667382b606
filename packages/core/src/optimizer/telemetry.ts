import { requireInteger } from '@deltaclip/utils';
import * as tf from '@tensorflow/tfjs-core';
import { type TelemetryStepInputs, telemetryStep } from '../kernels/telemetry-step.js';
import { REGIMES, type Regime } from '../types.js';

/** One optimizer step as seen by telemetry. */
export interface StepTelemetry {
  /** 0-based optimizer step. */
  readonly step: number;
  /** L2 norm of the raw gradient over all variables. */
  readonly gradNorm: number;
  /** Step size h_t (eta_t times the clipping scale); 0 for skipped steps, NaN where unknown. */
  readonly stepSize: number;
  readonly regime: Regime;
}

export type RegimeCounts = Record<Regime, number>;

export interface TelemetryOptions {
  /** Record per-step telemetry at all (default true). Costs a few scalar ops per step. */
  readonly enabled?: boolean;
  /** Deliver records to `onRecords` every `every` steps, read asynchronously (no sync). */
  readonly every?: number;
  readonly onRecords?: (records: StepTelemetry[]) => void;
  /** Keep every step's record on device until {@link Telemetry.flush} (default false). */
  readonly history?: boolean;
}

function decode(step: number, values: ArrayLike<number>, offset: number): StepTelemetry {
  return {
    step,
    gradNorm: values[offset]!,
    stepSize: values[offset + 1]!,
    regime: REGIMES[values[offset + 2]!] ?? 'skipped',
  };
}

/**
 * Per-step gradient norm, step size and regime, kept on device so recording never syncs; read on
 * demand (`latest`, `counts`, `flush`) or delivered every k steps asynchronously.
 */
export class Telemetry {
  readonly enabled: boolean;
  private readonly every: number | undefined;
  private readonly onRecords: ((records: StepTelemetry[]) => void) | undefined;
  private readonly keepHistory: boolean;
  private latestRecord: { step: number; tensor: tf.Tensor1D } | undefined;
  private pending: { step: number; tensor: tf.Tensor1D }[] = [];
  private deliveries: Promise<void> = Promise.resolve();
  private countsVar: tf.Variable | undefined;

  constructor(options: TelemetryOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.every =
      options.every === undefined ? undefined : requireInteger('telemetry.every', options.every, 1);
    this.onRecords = options.onRecords;
    if (this.every !== undefined && this.onRecords === undefined) {
      throw new RangeError('telemetry.every needs telemetry.onRecords to deliver the records to');
    }
    this.keepHistory = options.history ?? false;
  }

  private get counter(): tf.Variable {
    if (this.countsVar === undefined) {
      this.countsVar = tf.variable(tf.zeros([REGIMES.length], 'int32'), false);
    }
    return this.countsVar;
  }

  /**
   * Record one step. Call inside a tidy scope: the inputs are device scalars; what must outlive
   * the step is kept here.
   */
  record(step: number, gradNorm: tf.Scalar, stepSize: tf.Scalar, regime: tf.Scalar): void {
    if (!this.enabled) return;
    // Each dispatch counts on a small step (see the dispatch-count test): no cast of what is
    // float32 already, and the regime's count as one comparison against every code at once.
    const asFloat = (t: tf.Scalar) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'));
    const row = tf.stack([asFloat(gradNorm), asFloat(stepSize), asFloat(regime)]) as tf.Tensor1D;
    const codes = tf.tensor1d(
      REGIMES.map((_, i) => i),
      'int32',
    );
    const code = regime.dtype === 'int32' ? regime : tf.cast(regime, 'int32');
    this.keepStep(step, row, tf.add(this.counter, tf.cast(tf.equal(code, codes), 'int32')));
  }

  /**
   * Record one step from what the transforms reported: h = eta * clipScale (eta alone without a
   * clipScale), 0 and the regime `skipped` when skipped. The row and the counts come from one
   * kernel where the backend has it (see TELEMETRY_STEP). Call inside a tidy scope.
   */
  recordStep(step: number, inputs: TelemetryStepInputs): void {
    if (!this.enabled) return;
    const { row, counts } = telemetryStep(inputs, this.counter);
    this.keepStep(step, row, counts);
  }

  private keepStep(step: number, row: tf.Tensor1D, counts: tf.Tensor): void {
    this.counter.assign(counts);
    const kept = tf.keep(row);
    this.latestRecord?.tensor.dispose();
    this.latestRecord = { step, tensor: kept };
    if (this.keepHistory || this.every !== undefined) {
      this.pending.push({ step, tensor: tf.keep(tf.clone(kept)) });
    }
    if (this.every !== undefined && this.pending.length >= this.every) this.deliver();
  }

  private deliver(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const stacked = tf.keep(tf.concat(batch.map((b) => b.tensor)));
    for (const b of batch) b.tensor.dispose();
    const steps = batch.map((b) => b.step);
    const callback = this.onRecords!;
    this.deliveries = this.deliveries
      .then(() => stacked.data())
      .then((values) => {
        stacked.dispose();
        callback(steps.map((s, i) => decode(s, values, 3 * i)));
      })
      .catch((error: unknown) => {
        if (!stacked.isDisposed) stacked.dispose();
        console.error('deltaclip telemetry: onRecords failed:', error);
      });
  }

  /** The most recent step, read asynchronously; undefined before the first step. */
  async latest(): Promise<StepTelemetry | undefined> {
    const record = this.latestRecord;
    if (record === undefined) return undefined;
    return decode(record.step, await record.tensor.data(), 0);
  }

  /** How many steps fell in each regime so far. */
  async counts(): Promise<RegimeCounts> {
    const values =
      this.countsVar === undefined ? [0, 0, 0, 0] : Array.from(await this.countsVar.data());
    return Object.fromEntries(REGIMES.map((r, i) => [r, values[i]!])) as RegimeCounts;
  }

  /**
   * Read and release the records kept since the last flush (with `history: true`), and wait for
   * pending `every`-k deliveries; with `every` set, the remainder is delivered to onRecords too.
   */
  async flush(): Promise<StepTelemetry[]> {
    if (this.every !== undefined) {
      this.deliver();
      await this.deliveries;
      return [];
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return [];
    const stacked = tf.concat(batch.map((b) => b.tensor));
    for (const b of batch) b.tensor.dispose();
    const values = await stacked.data();
    stacked.dispose();
    return batch.map((b, i) => decode(b.step, values, 3 * i));
  }

  /** The regime counts as a named tensor, for optimizer checkpoints. */
  countsTensor(): tf.Tensor {
    return this.counter;
  }

  restoreCounts(values: tf.Tensor): void {
    this.counter.assign(tf.cast(tf.reshape(values, [REGIMES.length]), 'int32'));
  }

  dispose(): void {
    this.latestRecord?.tensor.dispose();
    this.latestRecord = undefined;
    for (const p of this.pending) p.tensor.dispose();
    this.pending = [];
    this.countsVar?.dispose();
    this.countsVar = undefined;
  }
}
