/**
 * The "Real data" preset (cars: miles per gallon) with the default optimizer settings: train and
 * test loss of GClip and δ-GClip every 100 steps, and δ-GClip's regimes.
 * `npx vitest run --project experiment real-data`.
 */
import { it } from 'vitest';
import { prepareData } from '../src/data/prepare-data.js';
import { PRESETS } from '../src/state/presets.js';
import { Race } from '../src/training/race.js';

it('measures the real-data preset', async () => {
  const s = PRESETS.find((p) => p.id === 'real-data')!.settings;
  const race = await Race.create(s, await prepareData(s));
  await race.advance(Number(process.env.STEPS ?? 1000));
  const h = await race.history();
  race.dispose();
  for (const id of ['gclip', 'dgclip']) {
    const rows = h[id]!.evals.filter((e) => e.step % 100 === 0);
    console.log(
      id,
      rows
        .map((e) => `${e.step}: ${e.trainLoss.toPrecision(3)}/${e.testLoss?.toPrecision(3)}`)
        .join('  '),
    );
  }
  const count = (r: string) => h.dgclip!.telemetry.filter((t) => t.regime === r).length;
  console.log('dgclip regimes', count('unclipped'), count('clipped'), count('floored'));
}, 600_000);
