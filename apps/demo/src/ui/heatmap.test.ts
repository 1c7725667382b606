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

  it('runs blue, white, orange over regression values, clamping outside [0, 1]', () => {
    expect(valueColor(0)).toEqual(CLASS_COLORS[1]);
    expect(valueColor(0.5)).toEqual([255, 255, 255]);
    expect(valueColor(1)).toEqual(CLASS_COLORS[0]);
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
    // Confident class 0 (orange) is more saturated than the undecided cell.
    expect(pixels[2]!).toBeLessThan(pixels[10]!);
  });
});
