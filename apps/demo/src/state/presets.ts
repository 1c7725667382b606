/**
 * The presets: settings worth starting from, each a link (its URL state) and two sentences on
 * what to look for. The numbers in the sentences come from `claim`, which the tests check in Node
 * (presets.test.ts) and in Chromium (e2e): a preset never says what the run does not show. The
 * settings were found by the searches in experiments/ (apps/demo/README.md says how).
 */

import { DEFAULT_SETTINGS, type Settings } from './settings.js';
import { encodeSettings } from './url-state.js';

/**
 * What a preset's text promises, checked by the tests against a run of the preset:
 * - `floor-gap`: δ-GClip's floor binds on at least `flooredShare` of its first `flooredSteps`
 *   steps, and after `steps` steps GClip's training loss is at least `lossRatio` times δ-GClip's;
 * - `certificate`: at step `steps` δ-GClip's certificate has the level `level`;
 * - `fit`: δ-GClip clips at least `clippedShare` of its first `clippedSteps` steps, and by step
 *   `steps` every raced optimizer's training and test losses are below `lossFraction` of L_0.
 */
export type PresetClaim =
  | {
      readonly kind: 'floor-gap';
      readonly flooredShare: number;
      readonly flooredSteps: number;
      readonly steps: number;
      readonly lossRatio: number;
    }
  | { readonly kind: 'certificate'; readonly steps: number; readonly level: 'informative' }
  | {
      readonly kind: 'fit';
      readonly clippedShare: number;
      readonly clippedSteps: number;
      readonly steps: number;
      readonly lossFraction: number;
    };

export interface Preset {
  /** Stable id (the element ids and tests use it). */
  readonly id: 'default' | 'where-delta-matters' | 'theory' | 'real-data';
  readonly title: string;
  /** Two sentences: what the preset shows and what to look for. */
  readonly text: string;
  readonly settings: Settings;
  readonly claim: PresetClaim | null;
}

/** Found by experiments/where-delta-matters*.experiment.ts (seeds 1-3 all floored on every early step). */
const WHERE_DELTA_MATTERS: Settings = {
  ...DEFAULT_SETTINGS,
  params: {
    ...DEFAULT_SETTINGS.params,
    gclip: { eta: 1, gamma: 0.01, delta: 0 },
    dgclip: { eta: 1, gamma: 0.01, delta: 0.3 },
  },
};
const WHERE_CLAIM = {
  kind: 'floor-gap',
  flooredShare: 1,
  flooredSteps: 300,
  steps: 500,
  lossRatio: 5,
} as const;

/**
 * Found by experiments/theory-setting.experiment.ts: the CLI's theory data (48 teacher-student
 * samples in 64 dimensions, 36 for training), where the kernel is well conditioned; eta = 1 is
 * below 1/beta (about 2.5), and delta = 0.7 keeps the ball radius within 100x the distance moved.
 */
const THEORY: Settings = {
  ...DEFAULT_SETTINGS,
  dataset: 'teacher',
  samples: 48,
  noise: 0,
  testFraction: 0.25,
  hidden: [256],
  parameterization: 'ntk',
  batchSize: 0,
  params: {
    ...DEFAULT_SETTINGS.params,
    gclip: { eta: 1, gamma: 0.05, delta: 0 },
    dgclip: { eta: 1, gamma: 0.05, delta: 0.7 },
  },
};
const THEORY_CLAIM = { kind: 'certificate', steps: 200, level: 'informative' } as const;

/** Measured by experiments/real-data.experiment.ts. */
const REAL_DATA: Settings = { ...DEFAULT_SETTINGS, dataset: 'cars', hidden: [32, 32] };
const REAL_CLAIM = {
  kind: 'fit',
  clippedShare: 0.9,
  clippedSteps: 1000,
  steps: 100,
  lossFraction: 0.1,
} as const;

const percent = (share: number) => (share === 1 ? 'every one' : `${100 * share}%`);

export const PRESETS: readonly Preset[] = [
  {
    id: 'default',
    title: 'Start',
    text: 'The spiral with the default settings: γ/δ = 2.5 sits above almost every gradient norm, so δ-GClip’s floor almost never binds and its curves lie on GClip’s. That is the usual case — δ changes nothing until the gradients are far larger than γ.',
    settings: DEFAULT_SETTINGS,
    claim: null,
  },
  {
    id: 'where-delta-matters',
    title: 'Where δ matters',
    text: `With γ = 0.01 far below the gradient norms, GClip moves its weights only ηγ = 0.01 per step and stalls near the loss of predicting the average, while δ-GClip’s floor h_t = ηδ binds on ${percent(WHERE_CLAIM.flooredShare)} of its first ${WHERE_CLAIM.flooredSteps} steps. After ${WHERE_CLAIM.steps} steps δ-GClip’s training loss is at least ${WHERE_CLAIM.lossRatio}× lower than GClip’s, and its decision regions follow the spiral.`,
    settings: WHERE_DELTA_MATTERS,
    claim: WHERE_CLAIM,
  },
  {
    id: 'theory',
    title: 'The theory’s setting',
    text: `Full-batch steps on the square loss of a wide NTK-parameterized layer with η = 1 below 1/β, on 36 training points in 64 dimensions, so the tangent kernel on every sample gives a true PL* constant μ = 2c·λ_min(K). By step ${THEORY_CLAIM.steps} δ-GClip’s certificate holds and is ${THEORY_CLAIM.level} (the loss is below the guaranteed decay and the weights stay in the ball); GClip (δ = 0) gets no rate at all.`,
    settings: THEORY,
    claim: THEORY_CLAIM,
  },
  {
    id: 'real-data',
    title: 'Real data',
    text: `Miles per gallon of 392 cars (vega-datasets, bundled) from their other columns, standardized, with the default optimizer settings. Both optimizers clip most steps here (δ-GClip at least ${100 * REAL_CLAIM.clippedShare}% of its first ${REAL_CLAIM.clippedSteps.toLocaleString('en')}) and bring training and test loss (dashed) below a tenth of L₀ within ${REAL_CLAIM.steps} steps.`,
    settings: REAL_DATA,
    claim: REAL_CLAIM,
  },
];

/** What a run of a preset measured, for checking its claim (losses by optimizer, regimes by step). */
export interface ClaimEvidence {
  readonly losses: Readonly<
    Record<string, readonly { step: number; trainLoss: number; testLoss: number | null }[]>
  >;
  /** δ-GClip's regime of each step, from step 0. */
  readonly dgclipRegimes: readonly string[];
  /** δ-GClip's certificate level at the latest analysis (null if none yet). */
  readonly level: string | null;
}

/** The numbers a claim is about, measured on `evidence` (the tests compare them with the claim). */
export function measureClaim(claim: PresetClaim, evidence: ClaimEvidence) {
  const at = (id: string, step: number) => evidence.losses[id]?.find((p) => p.step === step);
  const share = (regime: string, steps: number) =>
    evidence.dgclipRegimes.slice(0, steps).filter((r) => r === regime).length / steps;
  switch (claim.kind) {
    case 'floor-gap': {
      const g = at('gclip', claim.steps)?.trainLoss ?? Number.NaN;
      const d = at('dgclip', claim.steps)?.trainLoss ?? Number.NaN;
      return { flooredShare: share('floored', claim.flooredSteps), lossRatio: g / d };
    }
    case 'certificate':
      return { level: evidence.level };
    case 'fit': {
      let worst = 0;
      for (const series of Object.values(evidence.losses)) {
        const first = series[0];
        const p = series.find((q) => q.step === claim.steps);
        if (!first || !p)
          return { clippedShare: share('clipped', claim.clippedSteps), lossFraction: Number.NaN };
        worst = Math.max(worst, p.trainLoss / first.trainLoss);
        if (p.testLoss !== null && first.testLoss !== null)
          worst = Math.max(worst, p.testLoss / first.testLoss);
      }
      return { clippedShare: share('clipped', claim.clippedSteps), lossFraction: worst };
    }
  }
}

/** The preset whose settings these are, or null. */
export function presetOf(settings: Settings): Preset | null {
  const hash = encodeSettings(settings);
  return PRESETS.find((p) => encodeSettings(p.settings) === hash) ?? null;
}

/** A preset's link: its URL state as a hash. */
export function presetHash(preset: Preset): string {
  return `#${encodeSettings(preset.settings)}`;
}
