/**
 * The search behind the "Where δ matters" preset: race GClip against δ-GClip with the page's own
 * Race (Node, tfjs cpu) over a grid of settings, and print, per setting, the share of δ-GClip's
 * first steps that hit the floor and both training losses after N steps. Run with
 * `npx vitest run --project experiment where-delta`; it asserts nothing (it is a search, not a test).
 */
import { it } from 'vitest';
import { prepareData } from '../src/data/prepare-data.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/state/settings.js';
import { Race } from '../src/training/race.js';

const STEPS = Number(process.env.STEPS ?? 300);
const EARLY = 100;

async function measure(s: Settings) {
  const race = await Race.create(s, await prepareData(s));
  try {
    await race.advance(STEPS);
    const h = await race.history();
    const floored = h
      .dgclip!.telemetry.slice(0, EARLY)
      .filter((t) => t.regime === 'floored').length;
    const last = (id: string) => h[id]!.evals.at(-1)!.trainLoss;
    return {
      floored: floored / EARLY,
      gclip: last('gclip'),
      dgclip: last('dgclip'),
      l0: h.gclip!.evals[0]!.trainLoss,
    };
  } finally {
    race.dispose();
  }
}

it('searches for a setting where the floor binds and GClip crawls', async () => {
  const grid: Partial<Settings>[] = [];
  for (const dataset of (process.env.DATA ?? 'spiral,circle,bowl,sine').split(
    ',',
  ) as Settings['dataset'][])
    for (const gamma of [0.01, 0.03, 0.1])
      for (const delta of [0.1, 0.3])
        for (const eta of [1, 0.3])
          grid.push({
            dataset,
            params: {
              ...DEFAULT_SETTINGS.params,
              gclip: { eta, gamma, delta: 0 },
              dgclip: { eta, gamma, delta },
            },
          });
  for (const over of grid) {
    const s = { ...DEFAULT_SETTINGS, ...over };
    const r = await measure(s);
    const p = s.params.dgclip;
    console.log(
      [
        s.dataset,
        `eta=${p.eta}`,
        `gamma=${p.gamma}`,
        `delta=${p.delta}`,
        `floored@${EARLY}=${(100 * r.floored).toFixed(0)}%`,
        `L0=${r.l0.toPrecision(3)}`,
        `gclip=${r.gclip.toPrecision(3)}`,
        `dgclip=${r.dgclip.toPrecision(3)}`,
        `ratio=${(r.gclip / r.dgclip).toFixed(2)}`,
      ].join('\t'),
    );
  }
}, 3_600_000);
