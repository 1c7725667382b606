/**
 * Each preset's two sentences hold: the numbers in its text come from its claim, and a run of the
 * preset with the page's own Race (Node, tfjs cpu) meets the claim. The e2e test checks the same
 * claims in Chromium on WASM.
 */
import { describe, expect, it } from 'vitest';
import { prepareData } from '../data/prepare-data.js';
import { Race } from '../training/race.js';
import { measureClaim, PRESETS, type Preset, presetHash, presetOf } from './presets.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { decodeSettings } from './url-state.js';

const preset = (id: Preset['id']) => PRESETS.find((p) => p.id === id)!;

async function evidenceOf(p: Preset, steps: number) {
  const race = await Race.create(p.settings, await prepareData(p.settings));
  try {
    await race.advance(steps);
    const history = await race.history();
    const analyses = await race.analyses();
    return {
      losses: Object.fromEntries(Object.entries(history).map(([id, h]) => [id, h.evals])),
      dgclipRegimes: history.dgclip!.telemetry.map((t) => t.regime),
      level: analyses.find((a) => a.id === 'dgclip')?.certificate.verdict ?? null,
    };
  } finally {
    race.dispose();
  }
}

describe('presets', () => {
  it('are links: each URL decodes to its settings exactly, and is recognized', () => {
    expect(PRESETS.map((p) => p.id)).toEqual([
      'default',
      'where-delta-matters',
      'theory',
      'real-data',
    ]);
    for (const p of PRESETS) {
      const decoded = decodeSettings(presetHash(p));
      expect(decoded.issues).toEqual([]);
      expect(decoded.settings).toEqual(p.settings);
      expect(presetOf(decoded.settings)).toBe(p);
      // Two sentences.
      expect(p.text.split(/(?<=[.!?])\s+(?=[A-Z])/)).toHaveLength(2);
    }
    expect(preset('default').settings).toBe(DEFAULT_SETTINGS);
    expect(presetOf({ ...DEFAULT_SETTINGS, seed: 2 })).toBeNull();
  });

  it('state their claims’ numbers in their text', () => {
    expect(preset('where-delta-matters').text).toContain(
      'binds on every one of its first 300 steps',
    );
    expect(preset('where-delta-matters').text).toContain(
      'After 500 steps δ-GClip’s training loss is at least 5× lower',
    );
    expect(preset('theory').text).toContain(
      'By step 200 δ-GClip’s certificate holds and is informative',
    );
    expect(preset('real-data').text).toContain('at least 90% of its first 1,000');
    expect(preset('real-data').text).toContain('below a tenth of L₀ within 100 steps');
  });

  it('“Where δ matters”: the floor binds on every early step and GClip ends 5x above', async () => {
    const p = preset('where-delta-matters');
    const m = measureClaim(p.claim!, await evidenceOf(p, 500));
    expect(m).toMatchObject({ flooredShare: 1 });
    expect((m as { lossRatio: number }).lossRatio).toBeGreaterThanOrEqual(5);
  });

  it('“The theory’s setting”: δ-GClip’s certificate is informative by step 200', async () => {
    const p = preset('theory');
    expect(measureClaim(p.claim!, await evidenceOf(p, 200))).toEqual({ level: 'informative' });
  });

  it('“Real data”: δ-GClip clips at least 90% of its first 1,000 steps; losses below L₀/10 by step 100', async () => {
    const p = preset('real-data');
    const m = measureClaim(p.claim!, await evidenceOf(p, 1000)) as {
      clippedShare: number;
      lossFraction: number;
    };
    expect(m.clippedShare).toBeGreaterThanOrEqual(0.9);
    expect(m.lossFraction).toBeLessThan(0.1);
  });
});
