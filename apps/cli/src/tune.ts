import { canonicalClassName } from '@deltaclip/core';
import { describeOptimizer, type RunOptimizer, type RunSpec } from '@deltaclip/train';
import { UsageError } from './args.js';
import { runInWorkers } from './runner.js';
import { textTable } from './summary.js';

/** What `--tune` may search, besides the learning rate. */
export const TUNABLE = ['lr', 'gamma', 'delta'] as const;
export type Tunable = (typeof TUNABLE)[number];

/** Share of the data held out for choosing (the test split is never used for it). */
export const TUNE_VALIDATION = 0.2;

/** `lr`, `lr,gamma`, `gamma,delta` ... (lr is always tuned). */
export function parseTuneKeys(text: string | true): Tunable[] {
  if (text === true || text.trim() === '') return ['lr'];
  const keys = text.split(',').map((k) => k.trim());
  for (const k of keys) {
    if (!(TUNABLE as readonly string[]).includes(k)) {
      throw new UsageError(
        `--tune takes a ','-separated list of ${TUNABLE.join(', ')} (got ${JSON.stringify(k)} in ${JSON.stringify(text)})`,
      );
    }
  }
  return ['lr', ...new Set(keys.filter((k): k is Tunable => k !== 'lr'))];
}

function keysOf(o: RunOptimizer, asked: readonly Tunable[]): Tunable[] {
  const c = canonicalClassName(o.className);
  const clipping = c === 'deltaclip.GClip' || c === 'deltaclip.DeltaGClip';
  return asked.filter(
    (k) =>
      k === 'lr' || (k === 'gamma' && clipping) || (k === 'delta' && c === 'deltaclip.DeltaGClip'),
  );
}

/** n values log-spaced over [x/10, 10x] (n = 1: x itself). */
function logGrid(x: number, n: number): number[] {
  if (n === 1) return [x];
  return Array.from({ length: n }, (_, i) =>
    Number((x * 10 ** (-1 + (2 * i) / (n - 1))).toPrecision(3)),
  );
}

/**
 * Every optimizer's candidates, the same number for all (the same budget): with m keys tuned at
 * most, each optimizer gets G^m trials (G = 5 for the learning rate alone, else 3). An optimizer
 * with fewer keys spends the rest on a finer learning-rate grid over the same range [eta/10, 10 eta];
 * gamma takes {gamma/3, gamma, 3 gamma} and delta {delta/4, delta, min(4 delta, 0.9)}.
 */
export function tuningGrid(
  optimizers: readonly RunOptimizer[],
  asked: readonly Tunable[],
): { candidates: RunOptimizer[][]; trials: number; grids: string[] } {
  const m = Math.max(...optimizers.map((o) => keysOf(o, asked).length));
  const G = m === 1 ? 5 : 3;
  const trials = G ** m;
  const candidates: RunOptimizer[][] = [];
  const grids: string[] = [];
  for (const o of optimizers) {
    const keys = keysOf(o, asked);
    const config = o.config as Record<string, number>;
    const lrs = logGrid(config.learningRate ?? 0.01, G ** (m - keys.length + 1));
    const gammas = keys.includes('gamma')
      ? [config.gamma! / 3, config.gamma!, config.gamma! * 3].map((x) => Number(x.toPrecision(3)))
      : [undefined];
    const deltas = keys.includes('delta')
      ? [config.delta! / 4, config.delta!, Math.min(config.delta! * 4, 0.9)].map((x) =>
          Number(x.toPrecision(3)),
        )
      : [undefined];
    const list: RunOptimizer[] = [];
    for (const learningRate of lrs) {
      for (const gamma of gammas) {
        for (const delta of deltas) {
          const { label: _label, ...rest } = o;
          list.push({
            ...rest,
            config: {
              ...o.config,
              learningRate,
              ...(gamma === undefined ? {} : { gamma }),
              ...(delta === undefined ? {} : { delta }),
            },
          });
        }
      }
    }
    candidates.push(list);
    grids.push(
      [
        `eta in {${lrs.join(', ')}}`,
        ...(gammas[0] === undefined ? [] : [`gamma in {${gammas.join(', ')}}`]),
        ...(deltas[0] === undefined ? [] : [`delta in {${deltas.join(', ')}}`]),
      ].join(' x '),
    );
  }
  return { candidates, trials, grids };
}

export interface TuningResult {
  readonly optimizers: RunOptimizer[];
  readonly lines: string[];
  readonly report: {
    readonly keys: readonly Tunable[];
    readonly trialsPerOptimizer: number;
    readonly validationShare: number;
    readonly rows: readonly {
      readonly optimizer: string;
      readonly grid: string;
      readonly chosen: string;
      readonly validationLoss: number | null;
    }[];
  };
}

/**
 * Choose each optimizer's hyperparameters on a validation split carved out of the training data
 * (the test split stays the same and unseen), every candidate trained for the same steps, with the
 * first seed; the lowest final validation loss wins (a diverged candidate never does).
 */
export async function tuneOptimizers(
  base: Omit<RunSpec, 'optimizer'>,
  optimizers: readonly RunOptimizer[],
  asked: readonly Tunable[],
  options: { workers: number; backend: string; signal?: AbortSignal },
): Promise<TuningResult> {
  const split = base.task.dataset.split ?? {};
  const tuningBase: Omit<RunSpec, 'optimizer'> = {
    ...base,
    analysis: null,
    task: {
      ...base.task,
      dataset: { ...base.task.dataset, split: { ...split, validation: TUNE_VALIDATION } },
    },
  };
  const { candidates, trials, grids } = tuningGrid(optimizers, asked);
  const specs = candidates.flat().map((optimizer) => ({ ...tuningBase, optimizer }));
  const results = await runInWorkers(specs, {
    workers: options.workers,
    backend: options.backend,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const chosen: RunOptimizer[] = [];
  const rows: TuningResult['report']['rows'][number][] = [];
  let offset = 0;
  optimizers.forEach((o, i) => {
    const list = candidates[i]!;
    let best = -1;
    let bestLoss = Number.POSITIVE_INFINITY;
    list.forEach((_, j) => {
      const { result } = results[offset + j]!.outcome;
      const loss = result.diverged ? undefined : result.history.epochs.at(-1)?.validation?.loss;
      if (loss !== undefined && Number.isFinite(loss) && loss < bestLoss) {
        best = j;
        bestLoss = loss;
      }
    });
    offset += list.length;
    const pick = best < 0 ? o : { ...list[best]!, ...(o.label ? { label: o.label } : {}) };
    chosen.push(pick);
    rows.push({
      optimizer: describeOptimizer(o),
      grid: grids[i]!,
      chosen:
        best < 0 ? 'none (every candidate diverged): the given settings' : describeOptimizer(pick),
      validationLoss: best < 0 ? null : bestLoss,
    });
  });
  const lines = [
    `Tuned ${asked.join(', ')} on a validation split (${TUNE_VALIDATION * 100}% of the data, carved out of the training set; the test split is unchanged and unseen): ${trials} trials per optimizer, each ${base.epochs} epochs with seed ${base.seed}, lowest final validation loss wins.`,
    textTable(
      ['optimizer (given)', 'grid', 'chosen', 'validation loss'],
      rows.map((r) => [
        r.optimizer,
        r.grid,
        r.chosen,
        r.validationLoss === null ? '-' : r.validationLoss.toPrecision(4),
      ]),
    ),
  ];
  return {
    optimizers: chosen,
    lines,
    report: { keys: asked, trialsPerOptimizer: trials, validationShare: TUNE_VALIDATION, rows },
  };
}
