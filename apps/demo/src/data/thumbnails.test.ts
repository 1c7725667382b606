import { describe, expect, it } from 'vitest';
import { CLASSIFICATION_SETS, SURFACE_SETS } from '../state/settings.js';
import { THUMBNAIL_POINTS, type Thumbnail, thumbnailDots, thumbnails } from './thumbnails.js';

describe('data-set thumbnails', () => {
  it('has every 2-D set, with its points and labels', () => {
    const all = thumbnails();
    expect(all.map((t) => t.dataset)).toEqual([...CLASSIFICATION_SETS, ...SURFACE_SETS]);
    for (const t of all) {
      expect(t.x).toHaveLength(2 * THUMBNAIL_POINTS);
      expect(t.y).toHaveLength(THUMBNAIL_POINTS);
      expect([...t.x, ...t.y].every(Number.isFinite)).toBe(true);
      if (t.task === 'classification') expect(t.y.every((v) => Number.isInteger(v))).toBe(true);
    }
    // Deterministic: the same points every time.
    expect(thumbnails()[2]!.x).toEqual(all[2]!.x);
  });

  it('places points with one scale on both axes, centred, y upwards', () => {
    const t: Thumbnail = {
      dataset: 'plane',
      task: 'regression',
      // x spans [-1, 1], y spans [0, 1]: the x span sets the scale, 0.88 * 100 / 2 = 44 per unit.
      x: Float32Array.from([-1, 0, 1, 1, 0, 0.5]),
      y: Float32Array.from([2, 4, 3]),
    };
    expect(thumbnailDots(t, 100)).toEqual([
      { cx: 6, cy: 72, value: 0 },
      { cx: 94, cy: 28, value: 1 },
      { cx: 50, cy: 50, value: 0.5 },
    ]);
  });
});
