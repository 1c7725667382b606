/**
 * The JSON documents a visitor can download: the weights of every raced model, and the run log
 * (settings, link, backend, every measurement and telemetry record, certificates). Plain data.
 */
import type { StepTelemetry } from '@deltaclip/core';
import type { NamedWeight } from '@deltaclip/models';
import type { OptimizerId, Settings } from '../state/settings.js';
import { encodeSettings, URL_STATE_VERSION } from '../state/url-state.js';
import type { Analysis, BetaPoint, EvalPoint } from '../training/race.js';
import type { BackendSummary, RaceSummary } from '../worker/protocol.js';

export const EXPORT_FORMAT = 'deltaclip-demo/1';

export interface ExportContext {
  readonly settings: Settings;
  readonly url: string;
  readonly backend: BackendSummary | null;
  readonly step: number;
}

function header(kind: string, c: ExportContext) {
  return {
    format: EXPORT_FORMAT,
    kind,
    createdAt: new Date().toISOString(),
    url: c.url,
    urlState: { version: URL_STATE_VERSION, hash: encodeSettings(c.settings) },
    settings: c.settings,
    backend: c.backend,
    step: c.step,
  };
}

/** Weights per optimizer as `{name, shape, trainable, values}` with plain number arrays. */
export function weightsDocument(
  c: ExportContext,
  weights: Partial<Record<OptimizerId, NamedWeight[]>>,
) {
  return {
    ...header('weights', c),
    models: Object.fromEntries(
      Object.entries(weights).map(([id, list]) => [
        id,
        (list ?? []).map((w) => ({
          name: w.name,
          shape: [...w.shape],
          trainable: w.trainable,
          values: Array.from(w.values),
        })),
      ]),
    ),
  };
}

/** The run log: what ran, on what, and everything it measured. */
export function runLogDocument(
  c: ExportContext,
  summary: RaceSummary | null,
  history: Record<string, { evals: EvalPoint[]; telemetry: StepTelemetry[]; betas: BetaPoint[] }>,
  analyses: readonly Analysis[],
) {
  return {
    ...header('run-log', c),
    data:
      summary === null
        ? null
        : {
            name: summary.dataset,
            description: summary.description,
            task: summary.task,
            trainSize: summary.trainSize,
            testSize: summary.testSize,
            inputSize: summary.inputSize,
            outputSize: summary.outputSize,
            classes: summary.classes,
            featureNames: summary.featureNames,
            batchSize: summary.batchSize,
            loss: summary.loss,
            parameterCount: summary.parameterCount,
          },
    optimizers: history,
    analyses,
  };
}

/** JSON with non-finite numbers as null (JSON has no NaN or Infinity). */
export function toJson(document: unknown): string {
  return JSON.stringify(
    document,
    (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    1,
  );
}

/** Offer `text` as a file download. */
export function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
