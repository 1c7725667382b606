/**
 * The chosen "Where δ matters" setting (src/state/presets.ts) in detail, over seeds 1..3: the
 * floored share of δ-GClip's first 100 and 300 steps and both training losses at steps 100, 200,
 * 300 and 500. `npx vitest run --project experiment where-delta-matters-detail`.
 */
import { it } from 'vitest';
import { prepareData } from '../src/data/prepare-data.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/state/settings.js';
import { Race } from '../src/training/race.js';

const CHOSEN: Settings = {
  ...DEFAULT_SETTINGS,
  params: {
    ...DEFAULT_SETTINGS.params,
    gclip: { eta: 1, gamma: 0.01, delta: 0 },
    dgclip: { eta: 1, gamma: 0.01, delta: 0.3 },
  },
};

it('measures the chosen setting over seeds', async () => {
  for (const seed of [1, 2, 3]) {
    const s = { ...CHOSEN, seed };
    const race = await Race.create(s, await prepareData(s));
    await race.advance(500);
    const h = await race.history();
    race.dispose();
    const share = (n: number) =>
      h.dgclip!.telemetry.slice(0, n).filter((t) => t.regime === 'floored').length / n;
    const at = (id: string, step: number) => h[id]!.evals.find((e) => e.step === step)!.trainLoss;
    const row = [`seed=${seed}`, `floored100=${share(100)}`, `floored300=${share(300)}`];
    for (const t of [0, 100, 200, 300, 500])
      row.push(
        `L${t}: gclip=${at('gclip', t).toPrecision(3)} dgclip=${at('dgclip', t).toPrecision(3)} ratio=${(at('gclip', t) / at('dgclip', t)).toFixed(2)}`,
      );
    console.log(row.join('\t'));
  }
}, 3_600_000);
