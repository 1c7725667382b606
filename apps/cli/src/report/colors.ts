/**
 * Which colour a run gets in report.html: its optimizer family's colour from @deltaclip/utils'
 * palette (the demo uses the same), so δ-GClip is the same orange in the table, every chart and
 * the playground. Several runs of one family (two deltas, a learning-rate sweep) get darker and
 * lighter shades of that colour rather than a hue that means another optimizer.
 */
import { canonicalClassName } from '@deltaclip/core';
import { OPTIMIZER_COLORS, type OptimizerFamily } from '@deltaclip/utils';

const FAMILY_OF_CLASS: Readonly<Record<string, OptimizerFamily>> = {
  'deltaclip.SGD': 'sgd',
  'deltaclip.Momentum': 'sgd',
  'deltaclip.Adam': 'adam',
  'deltaclip.GClip': 'gclip',
  'deltaclip.DeltaGClip': 'delta-gclip',
  'deltaclip.DeltaGClipPerTensor': 'delta-gclip',
};

/** The palette key of an optimizer class (momentum counts as SGD); SGD's grey for unknown ones. */
export function optimizerFamilyOf(className: string): OptimizerFamily {
  return FAMILY_OF_CLASS[canonicalClassName(className)] ?? 'sgd';
}

// Mix factors for the 2nd, 3rd, ... run of a family: negative darkens, positive lightens.
const SHADES = [0, -0.35, 0.4, -0.6, 0.65];

function mix(hex: string, amount: number): string {
  const target = amount < 0 ? 0 : 255;
  const t = Math.abs(amount);
  const channels = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return `#${channels
    .map((c) =>
      Math.round(c + (target - c) * t)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/**
 * One colour per run, in order: the family colour for the first run of each family, then shades
 * of it (cycling after five runs of one family).
 */
export function runColors(classNames: readonly string[]): string[] {
  const seen = new Map<OptimizerFamily, number>();
  return classNames.map((className) => {
    const family = optimizerFamilyOf(className);
    const k = seen.get(family) ?? 0;
    seen.set(family, k + 1);
    return mix(OPTIMIZER_COLORS[family], SHADES[k % SHADES.length]!);
  });
}
