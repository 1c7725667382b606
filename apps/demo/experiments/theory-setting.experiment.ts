/**
 * The search behind "The theory's setting" preset: full-batch square loss on a wide NTK network,
 * small enough data that the tangent kernel on every sample is measured (Race's kernel monitor),
 * over a grid of eta and gamma; prints δ-GClip's certificate verdict and why.
 * `npx vitest run --project experiment theory-setting` (DATA, N, WIDTH, STEPS override the grid).
 */
import { it } from 'vitest';
import { prepareData } from '../src/data/prepare-data.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/state/settings.js';
import { Race } from '../src/training/race.js';

const STEPS = Number(process.env.STEPS ?? 300);

it('searches for an informative certificate', async () => {
  for (const dataset of (process.env.DATA ?? 'bowl,plane').split(',') as Settings['dataset'][])
    for (const samples of (process.env.N ?? '20,40').split(',').map(Number))
      for (const eta of (process.env.ETA ?? '0.1,0.3,1').split(',').map(Number))
        for (const gamma of (process.env.GAMMA ?? '0.05').split(',').map(Number))
          for (const delta of (process.env.DELTA ?? '0.2,0.5').split(',').map(Number)) {
            const s: Settings = {
              ...DEFAULT_SETTINGS,
              dataset,
              samples,
              testFraction: 0,
              noise: 0,
              batchSize: 0,
              hidden: [Number(process.env.WIDTH ?? 256)],
              parameterization: 'ntk',
              optimizers: ['gclip', 'dgclip'],
              params: {
                ...DEFAULT_SETTINGS.params,
                gclip: { eta, gamma, delta: 0 },
                dgclip: { eta, gamma, delta },
              },
            };
            const race = await Race.create(s, await prepareData(s));
            await race.advance(STEPS);
            const analyses = await race.analyses();
            const h = await race.history();
            race.dispose();
            const a = analyses.find((x) => x.id === 'dgclip')!;
            const c = a.certificate;
            const floored = h.dgclip!.telemetry.filter((t) => t.regime === 'floored').length;
            const last = (id: string) => h[id]!.evals.at(-1)!.trainLoss;
            console.log(
              [
                dataset,
                `n=${samples}`,
                `eta=${eta}`,
                `gamma=${gamma}`,
                `delta=${delta}`,
                `floored=${floored}/${STEPS}`,
                `beta=${a.beta.toPrecision(3)}`,
                `mu=${a.mu.toPrecision(3)} (${a.muSource})`,
                `L: gclip=${last('gclip').toPrecision(3)} dgclip=${last('dgclip').toPrecision(3)} L0=${h.dgclip!.evals[0]!.trainLoss.toPrecision(3)}`,
                `verdict=${c.verdict}`,
                `tight=${c.tightness?.toPrecision(3)}`,
                c.reasons.join(' | ').slice(0, 300),
              ].join('\t'),
            );
          }
}, 3_600_000);
