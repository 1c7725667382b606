/**
 * The training side of the playground, independent of Web Worker plumbing (tested in Node): it
 * owns one Race, runs it in short slices while playing (so pause, step and reset messages are
 * handled within a few tens of milliseconds), and posts batches of measurements.
 */
import type { Table } from '@deltaclip/datasets';
import {
  type CsvOptions,
  csvErrorMessage,
  type PreparedCsv,
  prepareTable,
  readCsvUpload,
} from '../data/csv-upload.js';
import { prepareData } from '../data/prepare-data.js';
import { thumbnails } from '../data/thumbnails.js';
import { type Analysis, GRID_SIZE, Race } from '../training/race.js';
import type {
  CsvUpload,
  CsvVerdict,
  FromWorker,
  Progress,
  RaceSummary,
  ToWorker,
} from './protocol.js';
import { TimeBudget } from './time-budget.js';

/** Longest stretch of training between two looks at the message queue. */
export const SLICE_MS = 40;
/** Heatmaps are recomputed at most this often while playing. */
export const HEATMAP_MS = 250;
/** The network diagram's weights are sent at most this often while playing (twice a second). */
export const DIAGRAM_MS = 500;
/** Window of the steps-per-second figure. */
export const RATE_WINDOW_MS = 2000;
/**
 * Most of the worker's time the certificate and the δ advisor may take while playing. They read
 * every step's telemetry (plstar's `certify` and `adviseDelta`), so each costs more the longer the
 * run: after 90,000 steps about 100 ms per optimizer. Rationed by time, they never slow training
 * by more than this share; paused or stepped, they are always recomputed.
 */
export const ANALYSIS_SHARE = 0.03;

export interface TrainerHost {
  post(message: FromWorker, transfer?: Transferable[]): void;
  /** Run `f` after pending messages (a macrotask), so a pause can get in between two slices. */
  defer(f: () => void): void;
  now(): number;
  /**
   * Called between two training steps and before each longer stretch of work (heatmaps,
   * certificate, diagram): may block while the page draws a frame (see frame-gate.ts).
   */
  betweenSteps?(): void;
}

function summarize(race: Race): RaceSummary {
  const { data, settings } = race;
  const arrays = (d: NonNullable<typeof data.test>) => {
    const { x, y } = d.toArrays();
    return { x: Float32Array.from(x), y: Float32Array.from(y) };
  };
  let targetRange: [number, number] | null = null;
  if (data.task === 'regression') {
    const { y } = data.train.toArrays();
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of y) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    targetRange = [lo, hi];
  }
  return {
    dataset: data.name,
    description: data.description,
    task: data.task,
    trainSize: data.train.size,
    testSize: data.test?.size ?? 0,
    // What the model is fed: the chosen input features on a 2-D set.
    inputSize: race.inputNames.length,
    outputSize: data.outputSize,
    classes: data.classes,
    featureNames: race.inputNames,
    parameterCount: race.parameterCount,
    batchSize:
      settings.batchSize === 0 ? data.train.size : Math.min(settings.batchSize, data.train.size),
    loss: data.task === 'regression' ? 'square' : settings.loss,
    formula: data.formula,
    plane: data.plane,
    gridSize: GRID_SIZE,
    points:
      data.plane === null
        ? null
        : { train: arrays(data.train), test: data.test === null ? null : arrays(data.test) },
    targetRange,
  };
}

export class Trainer {
  private race: Race | null = null;
  private runId = -1;
  private running = false;
  private queue: Promise<void> = Promise.resolve();
  private rate: { time: number; step: number }[] = [];
  private lastHeatmap = 0;
  private lastNetwork = Number.NEGATIVE_INFINITY;
  /** The certificate's ration while playing, and whether a new beta still waits to be judged. */
  private analysisBudget: TimeBudget;
  private analysisPending = false;
  /** The last upload parsed, and the last preparation of it (a check, then the race, reuse it). */
  private upload: { readonly id: number; readonly table: Table } | null = null;
  private prepared: { readonly key: string; readonly value: PreparedCsv } | null = null;

  /** `analysisShare`: the certificate's ration while playing (tests make it bite sooner). */
  constructor(
    private readonly host: TrainerHost,
    private readonly options: { readonly analysisShare?: number } = {},
  ) {
    this.analysisBudget = this.newBudget();
  }

  private newBudget(): TimeBudget {
    return new TimeBudget(this.options.analysisShare ?? ANALYSIS_SHARE);
  }

  private async csvTable(upload: CsvUpload): Promise<Table> {
    if (this.upload?.id === upload.id) return this.upload.table;
    const table = await readCsvUpload(upload.blob, upload.file, (progress) =>
      this.host.post({ type: 'csv-progress', progress }),
    );
    this.upload = { id: upload.id, table };
    this.prepared = null;
    return table;
  }

  /** The upload parsed (once per upload) and prepared (once per choice of columns and split). */
  private async prepareUpload(upload: CsvUpload, options: CsvOptions): Promise<PreparedCsv> {
    const table = await this.csvTable(upload);
    const key = JSON.stringify([
      upload.id,
      options.target ?? '',
      upload.drop,
      options.test,
      options.seed,
    ]);
    if (this.prepared?.key === key) return this.prepared.value;
    this.host.post({
      type: 'csv-progress',
      progress: {
        text: `Preparing ${table.rowCount.toLocaleString('en')} rows of ${upload.file}…`,
        fraction: 0.75,
      },
    });
    const value = prepareTable(table, { ...options, drop: upload.drop });
    this.prepared = { key, value };
    this.host.post({
      type: 'csv-progress',
      progress: { text: `${upload.file} is ready.`, fraction: 1 },
    });
    return value;
  }

  /** Handle a message from the page; messages are processed one after another. */
  receive(message: ToWorker): Promise<void> {
    if (message.type === 'pause' && message.runId === this.runId) {
      // Takes effect before the next step, without waiting for the queue.
      this.running = false;
    }
    return this.enqueue(() => this.handle(message));
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.running = false;
      this.host.post({ type: 'error', runId: this.runId, message: errorText(error) });
    });
    return this.queue;
  }

  private async handle(message: ToWorker): Promise<void> {
    if (message.type === 'thumbnails') {
      this.host.post({ type: 'thumbnails', thumbnails: thumbnails() });
      return;
    }
    if (message.type === 'check-csv') {
      const options = { target: message.target, test: message.test, seed: message.seed };
      let verdict: CsvVerdict;
      try {
        const prepared = await this.prepareUpload(message.csv, options);
        verdict = {
          ok: true,
          columns: prepared.columns,
          target: prepared.plan.target,
          task: prepared.task,
          rows: prepared.splits.metadata.numSamples,
        };
      } catch (error) {
        verdict = {
          ok: false,
          message: csvErrorMessage(message.csv.file, error),
          // Parsed but unusable: its columns let the page offer to drop the culprit.
          columns: this.upload?.id === message.csv.id ? this.upload.table.columns : null,
        };
      }
      this.host.post({ type: 'csv-check', requestId: message.requestId, verdict });
      return;
    }
    if (message.type === 'init') {
      this.running = false;
      // Data first: if it cannot be built, the previous race stays as it was.
      let data: Awaited<ReturnType<typeof prepareData>>;
      try {
        const csv = message.csv;
        data = await prepareData(
          message.settings,
          csv === undefined
            ? undefined
            : await this.prepareUpload(csv, {
                target: message.settings.csvTarget,
                test: message.settings.testFraction,
                seed: message.settings.seed,
              }),
        );
      } catch (error) {
        this.host.post({ type: 'error', runId: message.runId, message: errorText(error) });
        return;
      }
      this.race?.dispose();
      this.race = null;
      this.runId = message.runId;
      this.rate = [];
      this.analysisBudget = this.newBudget();
      this.analysisPending = false;
      this.race = await Race.create(message.settings, data);
      const progress = await this.progress(true);
      this.host.post({ type: 'ready', runId: this.runId, summary: summarize(this.race), progress });
      return;
    }
    if (message.runId !== this.runId || this.race === null) return; // a message for an old run
    switch (message.type) {
      case 'play':
        if (this.running) return;
        this.running = true;
        this.rate = [{ time: this.host.now(), step: this.race.step }];
        this.scheduleSlice();
        return;
      case 'pause':
        this.running = false;
        // Answer at once with what is new; then everything recomputed, the certificate (which
        // reads every step, so takes longer the longer the run) and the heatmaps included.
        this.host.post({
          type: 'progress',
          runId: this.runId,
          progress: await this.progress(false, false, false),
        });
        this.host.post({
          type: 'progress',
          runId: this.runId,
          progress: await this.progress(true),
        });
        return;
      case 'step':
        this.running = false;
        await this.race.advance(message.count);
        this.host.post({
          type: 'progress',
          runId: this.runId,
          progress: await this.progress(true),
        });
        return;
      case 'weights':
        this.host.post({
          type: 'weights',
          runId: this.runId,
          step: this.race.step,
          weights: await this.race.weights(),
        });
        return;
      case 'history':
        this.host.post({
          type: 'history',
          runId: this.runId,
          step: this.race.step,
          history: await this.race.history(),
          analyses: await this.race.analyses(),
        });
        return;
    }
  }

  private scheduleSlice(): void {
    const runId = this.runId;
    this.host.defer(() => {
      if (this.running && runId === this.runId) void this.enqueue(() => this.slice(runId));
    });
  }

  /** Train for about SLICE_MS, post what was measured, and come back after pending messages. */
  private async slice(runId: number): Promise<void> {
    const race = this.race;
    if (!this.running || race === null || runId !== this.runId) return;
    const t0 = this.host.now();
    await race.advance(Number.POSITIVE_INFINITY, () => {
      this.host.betweenSteps?.();
      return !this.running || this.host.now() - t0 >= SLICE_MS;
    });
    const now = this.host.now();
    this.rate.push({ time: now, step: race.step });
    while (this.rate.length > 2 && now - this.rate[1]!.time >= RATE_WINDOW_MS) this.rate.shift();
    const heatmap = now - this.lastHeatmap >= HEATMAP_MS;
    this.host.post({ type: 'progress', runId, progress: await this.progress(heatmap, false) });
    if (this.running) this.scheduleSlice();
  }

  /** After pending messages (and a frame the page draws): whether the race still plays. */
  private yieldWhilePlaying(): Promise<boolean> {
    return new Promise((resolve) =>
      this.host.defer(() => {
        this.host.betweenSteps?.();
        resolve(this.running);
      }),
    );
  }

  private stepsPerSecond(): number | null {
    const first = this.rate[0];
    const last = this.rate[this.rate.length - 1];
    if (!this.running || first === undefined || last === undefined || last.time <= first.time)
      return null;
    return ((last.step - first.step) * 1000) / (last.time - first.time);
  }

  /**
   * `settled`: after ready, pause or step — everything is recomputed. `judge`: false leaves the
   * certificate out even when due (a message that must go at once).
   */
  private async progress(
    withHeatmap: boolean,
    settled = withHeatmap,
    judge = true,
  ): Promise<Progress> {
    const race = this.race!;
    const update = await race.drain();
    let newBetas = 0;
    for (const b of Object.values(update.betas)) newBetas += b?.length ?? 0;
    // Each of the longer stretches below waits for a frame the page is drawing, as steps do.
    if (withHeatmap) this.host.betweenSteps?.();
    const heatmaps = withHeatmap ? await race.heatmaps() : null;
    if (withHeatmap) this.lastHeatmap = this.host.now();
    // The certificate is re-judged when beta was measured again (within its ration while
    // playing: a beta that came too soon is judged at a later slice) and whenever settled.
    if (newBetas > 0) this.analysisPending = true;
    let analyses: Analysis[] | null = null;
    if (judge && (settled || (this.analysisPending && this.analysisBudget.due(this.host.now())))) {
      this.host.betweenSteps?.();
      const start = this.host.now();
      // While playing, pending messages get in between the pieces, and a pause abandons the
      // judgement (the pause judges everything at once right after).
      analyses = await race.analyses(settled ? undefined : () => this.yieldWhilePlaying());
      if (analyses !== null) this.analysisPending = false;
      this.analysisBudget.spent(start, this.host.now());
    }
    const now = this.host.now();
    const withNetwork = settled || now - this.lastNetwork >= DIAGRAM_MS;
    if (withNetwork) this.lastNetwork = now;
    if (withNetwork) this.host.betweenSteps?.();
    const network = withNetwork ? await race.network() : null;
    return {
      network,
      update,
      running: this.running,
      stepsPerSecond: this.stepsPerSecond(),
      heatmaps,
      analyses,
    };
  }

  dispose(): void {
    this.running = false;
    this.race?.dispose();
    this.race = null;
  }
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
