/**
 * The decision boundary (classification) or the learnt surface (regression) of a 2-D set, drawn
 * on a canvas from the model's outputs on a grid, with the data points on top.
 */
import { CLASS_COLORS as PALETTE_CLASSES } from '@deltaclip/utils';
import type { RaceSummary } from '../worker/protocol.js';

export type Rgb = readonly [number, number, number];

function rgbOf(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The palette's class colours (@deltaclip/utils), as RGB for the pixel buffer. */
export const CLASS_COLORS: readonly Rgb[] = PALETTE_CLASSES.map(rgbOf);

const WHITE: Rgb = [255, 255, 255];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function classColor(k: number): Rgb {
  return CLASS_COLORS[k % CLASS_COLORS.length]!;
}

/**
 * Predicted class and confidence in [0, 1] of one grid cell from its K outputs: probabilities
 * (cross-entropy: (p_max - 1/K) / (1 - 1/K)) or raw outputs fitted to one-hot targets (square
 * loss: the margin between the two largest, clipped to [0, 1]).
 */
export function cellClass(
  outputs: ArrayLike<number>,
  offset: number,
  k: number,
  probabilities: boolean,
): { readonly label: number; readonly confidence: number } {
  let best = 0;
  let second = Number.NEGATIVE_INFINITY;
  let label = 0;
  best = outputs[offset]!;
  for (let c = 1; c < k; c++) {
    const v = outputs[offset + c]!;
    if (v > best) {
      second = best;
      best = v;
      label = c;
    } else if (v > second) {
      second = v;
    }
  }
  let confidence: number;
  if (probabilities) confidence = (best - 1 / k) / (1 - 1 / k);
  else confidence = best - second;
  if (!Number.isFinite(confidence)) confidence = 0;
  return { label, confidence: Math.min(1, Math.max(0, confidence)) };
}

/** The ends of the regression scale: low values in the first class colour, high in the second. */
export const VALUE_LOW = CLASS_COLORS[0]!;
export const VALUE_HIGH = CLASS_COLORS[1]!;

/** Diverging colour for a regression value t in [0, 1] (VALUE_LOW, white, VALUE_HIGH). */
export function valueColor(t: number): Rgb {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5));
  return u < 0.5 ? mix(VALUE_LOW, WHITE, u * 2) : mix(WHITE, VALUE_HIGH, (u - 0.5) * 2);
}

/** How the heatmaps are drawn: page options, not URL state (they change no number of the run). */
export interface HeatmapView {
  /** Draw the test points (rings) over the regions. */
  readonly showTest: boolean;
  /**
   * Classification: each cell in its predicted class's colour at one strength, confidence left
   * out (the boundary alone). Regression: the value scale in DISCRETE_LEVELS bands.
   */
  readonly discretize: boolean;
}

export const DEFAULT_VIEW: HeatmapView = { showTest: true, discretize: false };

/** Bands of the discretized regression scale. */
export const DISCRETE_LEVELS = 8;
/** Strength of a discretized class region (the strongest of the continuous ones). */
const DISCRETE_STRENGTH = 0.75;

/** A value t in [0, 1] moved to the middle of its band. */
export function discreteLevel(t: number): number {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5));
  const band = Math.min(DISCRETE_LEVELS - 1, Math.floor(u * DISCRETE_LEVELS));
  return (band + 0.5) / DISCRETE_LEVELS;
}

/** RGBA pixels of the grid (size x size, row-major from the top-left). */
export function heatmapPixels(
  summary: RaceSummary,
  outputs: Float32Array,
  discretize = false,
): Uint8ClampedArray<ArrayBuffer> {
  const n = summary.gridSize;
  const pixels = new Uint8ClampedArray(new ArrayBuffer(n * n * 4));
  const k = summary.outputSize;
  const [lo, hi] = summary.targetRange ?? [0, 1];
  for (let i = 0; i < n * n; i++) {
    let rgb: Rgb;
    if (summary.task === 'classification') {
      const { label, confidence } = cellClass(outputs, i * k, k, summary.loss === 'cross-entropy');
      rgb = mix(WHITE, classColor(label), discretize ? DISCRETE_STRENGTH : 0.15 + 0.6 * confidence);
    } else {
      const t = hi > lo ? (outputs[i * k]! - lo) / (hi - lo) : 0.5;
      rgb = valueColor(discretize ? discreteLevel(t) : t);
    }
    pixels[4 * i] = rgb[0];
    pixels[4 * i + 1] = rgb[1];
    pixels[4 * i + 2] = rgb[2];
    pixels[4 * i + 3] = 255;
  }
  return pixels;
}

export function css(rgb: Rgb): string {
  return `rgb(${Math.round(rgb[0])}, ${Math.round(rgb[1])}, ${Math.round(rgb[2])})`;
}

/** Per canvas: its 2-D context, the grid buffer and the points layer, built once per run. */
const layers = new WeakMap<
  HTMLCanvasElement,
  {
    summary: RaceSummary;
    ctx: CanvasRenderingContext2D;
    grid: OffscreenCanvas;
    train: OffscreenCanvas;
    test: OffscreenCanvas;
  }
>();

function layersOf(canvas: HTMLCanvasElement, summary: RaceSummary) {
  const known = layers.get(canvas);
  if (known && known.summary === summary) return known;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return null;
  const n = summary.gridSize;
  const entry = {
    summary,
    ctx,
    grid: new OffscreenCanvas(n, n),
    train: drawPoints(canvas.width, canvas.height, summary, 'train'),
    test: drawPoints(canvas.width, canvas.height, summary, 'test'),
  };
  layers.set(canvas, entry);
  return entry;
}

/**
 * The data points (training filled, test as rings) on a transparent layer: they do not change
 * during a run, so they are drawn once and only composited at each update (drawing hundreds of
 * arcs several times a second was the heatmap's main cost).
 */
function drawPoints(
  width: number,
  height: number,
  summary: RaceSummary,
  which: 'train' | 'test',
): OffscreenCanvas {
  const layer = new OffscreenCanvas(width, height);
  const ctx = layer.getContext('2d')!;
  const plane = summary.plane;
  if (plane === null || summary.points === null) return layer;
  const toX = (x: number) => ((x - plane.x[0]) / (plane.x[1] - plane.x[0])) * width;
  const toY = (y: number) => ((plane.y[1] - y) / (plane.y[1] - plane.y[0])) * height;
  const [lo, hi] = summary.targetRange ?? [0, 1];
  const dot = (points: { x: Float32Array; y: Float32Array }, hollow: boolean) => {
    const r = Math.max(2, width / 110);
    for (let i = 0; i < points.y.length; i++) {
      const color =
        summary.task === 'classification'
          ? classColor(points.y[i]!)
          : valueColor(hi > lo ? (points.y[i]! - lo) / (hi - lo) : 0.5);
      ctx.beginPath();
      ctx.arc(toX(points.x[2 * i]!), toY(points.x[2 * i + 1]!), r, 0, 2 * Math.PI);
      if (hollow) {
        ctx.strokeStyle = css(color);
        ctx.lineWidth = 1.5;
        ctx.stroke();
      } else {
        ctx.fillStyle = css(color);
        ctx.fill();
        ctx.strokeStyle = 'rgba(255,255,255,0.9)';
        ctx.lineWidth = 0.75;
        ctx.stroke();
      }
    }
  };
  if (which === 'train') dot(summary.points.train, false);
  else if (summary.points.test) dot(summary.points.test, true);
  return layer;
}

/** Draw the heatmap and the points on `canvas` (its size in device pixels is kept square). */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  summary: RaceSummary,
  outputs: Float32Array | undefined,
  view: HeatmapView = DEFAULT_VIEW,
): void {
  if (summary.plane === null) return;
  const l = layersOf(canvas, summary);
  if (l === null) return;
  const { ctx } = l;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (outputs !== undefined) {
    const n = summary.gridSize;
    l.grid
      .getContext('2d')!
      .putImageData(new ImageData(heatmapPixels(summary, outputs, view.discretize), n, n), 0, 0);
    // Smoothing would blur the bands back into a gradient.
    ctx.imageSmoothingEnabled = !view.discretize;
    ctx.drawImage(l.grid, 0, 0, canvas.width, canvas.height);
  }
  ctx.drawImage(l.train, 0, 0);
  if (view.showTest) ctx.drawImage(l.test, 0, 0);
}
