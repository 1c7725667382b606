import { CLASS_COLORS as PALETTE } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import type { RaceSummary } from '../worker/protocol.js';
import { CLASS_COLORS, cellClass, heatmapPixels, valueColor } from './heatmap.js';

describe('heatmap colours', () => {
  it('reads class and confidence from probabilities and from square-loss outputs', () => {
    expect(cellClass([0.2, 0.8], 0, 2, true)).toEqual({ label: 1, confidence: 0.6000000000000001 });
    expect(cellClass([0.5, 0.5], 0, 2, true)).toEqual({ label: 0, confidence: 0 });
    expect(cellClass([9, 9, 1, 0, 0.3, 0.1], 2, 3, false)).toEqual({ label: 0, confidence: 0.7 });
    expect(cellClass([2.5, -1], 0, 2, false)).toEqual({ label: 0, confidence: 1 });
    expect(cellClass([Number.NaN, Number.NaN], 0, 2, false)).toEqual({ label: 0, confidence: 0 });
  });

  it('uses the palette’s class colours, as RGB', () => {
    expect(CLASS_COLORS).toHaveLength(PALETTE.length);
    expect(CLASS_COLORS[0]).toEqual([0x00, 0x44, 0x88]); // #004488
    expect(CLASS_COLORS[1]).toEqual([0xee, 0x66, 0x77]); // #EE6677
  });

  it('runs class 0, white, class 1 over regression values, clamping outside [0, 1]', () => {
    expect(valueColor(0)).toEqual(CLASS_COLORS[0]);
    expect(valueColor(0.5)).toEqual([255, 255, 255]);
    expect(valueColor(1)).toEqual(CLASS_COLORS[1]);
    expect(valueColor(-3)).toEqual(valueColor(0));
    expect(valueColor(Number.NaN)).toEqual(valueColor(0.5));
  });

  it('paints one opaque pixel per grid cell', () => {
    const summary = {
      gridSize: 2,
      outputSize: 2,
      task: 'classification',
      loss: 'cross-entropy',
      targetRange: null,
    } as unknown as RaceSummary;
    const pixels = heatmapPixels(summary, Float32Array.from([1, 0, 0, 1, 0.5, 0.5, 1, 0]));
    expect(pixels).toHaveLength(16);
    expect([pixels[3], pixels[7], pixels[11], pixels[15]]).toEqual([255, 255, 255, 255]);
    // Confident class 0 (dark blue) is darker in red than the undecided cell.
    expect(pixels[0]!).toBeLessThan(pixels[8]!);
  });
});
