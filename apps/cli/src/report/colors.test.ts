import { OPTIMIZER_COLORS } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import { optimizerFamilyOf, runColors } from './colors.js';

describe('run colours from the palette', () => {
  it("maps the CLI's optimizer classes onto the palette's keys", () => {
    expect(
      [
        'deltaclip.SGD',
        'deltaclip.Momentum',
        'deltaclip.Adam',
        'deltaclip.GClip',
        'deltaclip.DeltaGClip',
        'deltaclip.DeltaGClipPerTensor',
      ].map(optimizerFamilyOf),
    ).toEqual(['sgd', 'sgd', 'adam', 'gclip', 'delta-gclip', 'delta-gclip']);
  });

  it('the first run of a family gets its colour; the next ones shades of it', () => {
    const colors = runColors([
      'deltaclip.SGD',
      'deltaclip.DeltaGClip',
      'deltaclip.DeltaGClip',
      'deltaclip.DeltaGClip',
    ]);
    expect(colors[0]).toBe(OPTIMIZER_COLORS.sgd.toLowerCase());
    expect(colors[1]).toBe(OPTIMIZER_COLORS['delta-gclip'].toLowerCase());
    // #E69F00 darkened by 35%: 230 * 0.65 = 149.5 -> 150, 159 * 0.65 = 103.35 -> 103, 0.
    expect(colors[2]).toBe('#966700');
    // Lightened by 40% towards white: 230 + 25 * 0.4 = 240, 159 + 96 * 0.4 = 197.4 -> 197, 102.
    expect(colors[3]).toBe('#f0c566');
  });
});
