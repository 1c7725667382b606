/**
 * The points of every 2-D set for the data-set chooser's thumbnails (made in the worker, which
 * has @deltaclip/datasets loaded; the page only draws them), and where each point lands on a
 * square thumbnail.
 */
import { classification2d, surface2d } from '@deltaclip/datasets';
import { CLASSIFICATION_SETS, type DatasetName, SURFACE_SETS } from '../state/settings.js';

/** Points per thumbnail: enough to see the shape, few enough to draw at once. */
export const THUMBNAIL_POINTS = 200;

export interface Thumbnail {
  readonly dataset: DatasetName;
  readonly task: 'classification' | 'regression';
  /** (x1, x2) per point. */
  readonly x: Float32Array;
  /** Class index, or the regression target. */
  readonly y: Float32Array;
}

/** Every 2-D set, generated as a race would (seed 1, the default noise). */
export function thumbnails(): Thumbnail[] {
  const options = { numSamples: THUMBNAIL_POINTS, noise: 0.03, seed: 1 };
  const out: Thumbnail[] = [];
  for (const kind of CLASSIFICATION_SETS) {
    const { x, y } = classification2d({ kind, ...options }).toArrays();
    out.push({
      dataset: kind,
      task: 'classification',
      x: Float32Array.from(x),
      y: Float32Array.from(y),
    });
  }
  for (const kind of SURFACE_SETS) {
    const { x, y } = surface2d({ kind, ...options }).toArrays();
    out.push({
      dataset: kind,
      task: 'regression',
      x: Float32Array.from(x),
      y: Float32Array.from(y),
    });
  }
  return out;
}

export interface Dot {
  readonly cx: number;
  readonly cy: number;
  /** Class index, or the target scaled to [0, 1] over the set's range. */
  readonly value: number;
}

/**
 * The points on a size x size thumbnail: the same scale on both axes (a circle stays round),
 * centred, a margin of 6% on the longer side, y upwards.
 */
export function thumbnailDots(t: Thumbnail, size: number): Dot[] {
  const n = t.y.length;
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, t.x[2 * i]!);
    x1 = Math.max(x1, t.x[2 * i]!);
    y0 = Math.min(y0, t.x[2 * i + 1]!);
    y1 = Math.max(y1, t.x[2 * i + 1]!);
    lo = Math.min(lo, t.y[i]!);
    hi = Math.max(hi, t.y[i]!);
  }
  const span = Math.max(x1 - x0, y1 - y0, 1e-9);
  const scale = (size * 0.88) / span;
  const mx = (x0 + x1) / 2;
  const my = (y0 + y1) / 2;
  const dots: Dot[] = [];
  for (let i = 0; i < n; i++) {
    dots.push({
      cx: size / 2 + (t.x[2 * i]! - mx) * scale,
      cy: size / 2 - (t.x[2 * i + 1]! - my) * scale,
      value: t.task === 'classification' ? t.y[i]! : hi > lo ? (t.y[i]! - lo) / (hi - lo) : 0.5,
    });
  }
  return dots;
}
