/**
 * The key to a heatmap's colours, as data (main.ts renders it next to every heatmap): one swatch
 * per class, or the regression scale with its end values, in continuous or banded form as the
 * heatmaps are drawn, and the marks of training and test points.
 */
import type { RaceSummary } from '../worker/protocol.js';
import { fmt } from './explain.js';
import {
  classColor,
  css,
  DISCRETE_LEVELS,
  type HeatmapView,
  VALUE_HIGH,
  VALUE_LOW,
  valueColor,
} from './heatmap.js';

export type LegendItem =
  | { readonly kind: 'class'; readonly color: string; readonly label: string }
  | {
      readonly kind: 'scale';
      /** A CSS background for the scale bar. */
      readonly background: string;
      readonly low: string;
      readonly high: string;
    }
  | { readonly kind: 'note'; readonly label: string };

/** A banded scale: DISCRETE_LEVELS hard stops, each the colour its band is drawn in. */
function bandedGradient(): string {
  const stops: string[] = [];
  for (let b = 0; b < DISCRETE_LEVELS; b++) {
    const color = css(valueColor((b + 0.5) / DISCRETE_LEVELS));
    stops.push(
      `${color} ${(100 * b) / DISCRETE_LEVELS}%`,
      `${color} ${(100 * (b + 1)) / DISCRETE_LEVELS}%`,
    );
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

export function legendItems(summary: RaceSummary, view: HeatmapView): LegendItem[] {
  const items: LegendItem[] = [];
  if (summary.task === 'classification') {
    summary.classes.forEach((name, k) => {
      items.push({ kind: 'class', color: css(classColor(k)), label: name });
    });
    items.push({
      kind: 'note',
      label: view.discretize ? 'regions: predicted class' : 'regions: paler where less sure',
    });
  } else {
    const [lo, hi] = summary.targetRange ?? [0, 1];
    items.push({
      kind: 'scale',
      background: view.discretize
        ? bandedGradient()
        : `linear-gradient(to right, ${css(VALUE_LOW)}, #fff, ${css(VALUE_HIGH)})`,
      low: fmt(lo),
      high: fmt(hi),
    });
  }
  items.push({
    kind: 'note',
    label: view.showTest ? '● training, ○ test points' : '● training points (test hidden)',
  });
  return items;
}
