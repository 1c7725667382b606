import { CLASS_COLORS as PALETTE } from '@deltaclip/utils';
import { describe, expect, it } from 'vitest';
import type { RaceSummary } from '../worker/protocol.js';
import {
  CLASS_COLORS,
  cellClass,
  DISCRETE_LEVELS,
  discreteLevel,
  heatmapPixels,
  valueColor,
} from './heatmap.js';

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

  it('discretized, paints a class at one strength whatever the confidence', () => {
    const summary = {
      gridSize: 2,
      outputSize: 2,
      task: 'classification',
      loss: 'cross-entropy',
      targetRange: null,
    } as unknown as RaceSummary;
    // Cells: class 0 sure, class 0 barely, class 1 sure, class 1 barely.
    const outputs = Float32Array.from([1, 0, 0.55, 0.45, 0, 1, 0.4, 0.6]);
    const rgb = (p: Uint8ClampedArray, i: number) => Array.from(p.subarray(4 * i, 4 * i + 3));
    const smooth = heatmapPixels(summary, outputs);
    expect(rgb(smooth, 0)).not.toEqual(rgb(smooth, 1));
    const flat = heatmapPixels(summary, outputs, true);
    expect(rgb(flat, 0)).toEqual(rgb(flat, 1));
    expect(rgb(flat, 2)).toEqual(rgb(flat, 3));
    expect(rgb(flat, 0)).not.toEqual(rgb(flat, 2));
    // 75% of the way from white to class 0's #004488.
    expect(rgb(flat, 0)).toEqual([64, 115, 166]);
  });

  it('discretized, puts regression values in bands of the scale', () => {
    expect(DISCRETE_LEVELS).toBe(8);
    expect(discreteLevel(0)).toBe(1 / 16);
    expect(discreteLevel(0.12)).toBe(1 / 16);
    expect(discreteLevel(0.13)).toBe(3 / 16);
    expect(discreteLevel(1)).toBe(15 / 16);
    expect(discreteLevel(7)).toBe(15 / 16);
    const summary = {
      gridSize: 1,
      outputSize: 1,
      task: 'regression',
      loss: 'square',
      targetRange: [0, 2],
    } as unknown as RaceSummary;
    const at = (v: number) => Array.from(heatmapPixels(summary, Float32Array.from([v]), true));
    expect(at(1.02)).toEqual(at(1.2)); // both in the band [1, 1.25)
    expect(at(1.2)).not.toEqual(at(1.3));
    expect(at(1.1)).toEqual(Array.from(heatmapPixels(summary, Float32Array.from([1.125]))));
  });
});
