/**
 * The machine's own steadiness, for reading the playground's smoothness figures: the page's Race
 * with the default settings in Node on the WASM backend (no browser, no page, no charts), its race
 * steps per second in each 10-s window over SECONDS (default 180), and the lowest window as a
 * share of the first. What varies here is the machine (and the race itself), not the page.
 * `npx vitest run --project experiment steadiness`.
 */
import { useBackend } from '@deltaclip/backend';
import { wasmBackend } from '@deltaclip/backend-wasm';
import { it } from 'vitest';
import { prepareData } from '../src/data/prepare-data.js';
import { DEFAULT_SETTINGS } from '../src/state/settings.js';
import { Race } from '../src/training/race.js';

it('prints race steps/s per 10-s window in Node', async () => {
  const backend = await useBackend(wasmBackend);
  const seconds = Number(process.env.SECONDS ?? 180);
  const race = await Race.create(DEFAULT_SETTINGS, await prepareData(DEFAULT_SETTINGS));
  const windows: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    const s0 = race.step;
    await race.advance(Number.POSITIVE_INFINITY, () => performance.now() - t0 >= 10_000);
    await race.drain();
    windows.push(((race.step - s0) * 1000) / (performance.now() - t0));
  }
  race.dispose();
  const lowest = Math.min(...windows);
  console.log(
    JSON.stringify({
      backend: backend.name,
      windows: windows.map(Math.round),
      lowestOfFirst: lowest / windows[0]!,
      highestOfFirst: Math.max(...windows) / windows[0]!,
    }),
  );
}, 900_000);
