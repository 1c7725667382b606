/**
 * The one colour system of deltaclip's pictures (the demo playground and the CLI's report.html):
 * each colour means one thing. GClip and δ-GClip are Okabe–Ito's blue and orange (the pair most
 * colour-blind viewers still tell apart); the other colours come from Okabe–Ito's and Paul Tol's
 * colour-blind-safe schemes, picked by a search that maximized the smallest CIE Lab distance
 * under simulated protanopia, deuteranopia and tritanopia within each group and between groups
 * drawn in one picture (palette.test.ts checks the floors). No class colour repeats an optimizer
 * or regime colour. Reference lines (gamma, gamma/delta, eta*delta) are neutral and told apart by
 * their dash pattern and label, never by hue.
 */

/** Line colour per optimizer family, keyed by the CLI's optimizer names. */
export const OPTIMIZER_COLORS = {
  sgd: '#222255',
  adam: '#666633',
  gclip: '#0072B2',
  'delta-gclip': '#E69F00',
} as const;

export type OptimizerFamily = keyof typeof OPTIMIZER_COLORS;

/** The regime a δ-GClip/GClip step was in (h_t = eta, eta*gamma/||g||, or the floor eta*delta). */
export const REGIME_COLORS = {
  unclipped: '#6699CC',
  clipped: '#AA3377',
  floored: '#CC3311',
  skipped: '#000000',
} as const;

export type Regime = keyof typeof REGIME_COLORS;

/** Class colours for points and decision regions, in class-index order (cycled past the end). */
export const CLASS_COLORS = ['#004488', '#EE6677', '#999933', '#663333', '#88CCEE'] as const;

/** Neutral reference lines: one colour, told apart by dash pattern (uPlot/canvas dash arrays). */
export const REFERENCE_LINE = {
  color: '#3d3d3d',
  gamma: [6, 4],
  gammaOverDelta: [2, 3],
  etaDelta: [10, 3, 2, 3],
} as const;

/** Test curves are drawn in their optimizer's colour with this dash; say so in a legend. */
export const TEST_CURVE_DASH = [5, 5] as const;

/**
 * Certificate verdicts (see @deltaclip/plstar's certify). They colour the verdict's own word, so
 * each is legible as text on white (contrast at least 4.5:1) and distinct under the simulated
 * deficiencies, if less so than the groups that carry no word.
 */
export const VERDICT_COLORS = {
  informative: '#137333',
  vacuous: '#8a6d00',
  fails: '#8b1a4a',
  'not-covered': '#6b7280',
} as const;

/** The class colour for class index `k` (cycles past the end of CLASS_COLORS). */
export function classColor(k: number): string {
  const n = CLASS_COLORS.length;
  return CLASS_COLORS[((Math.trunc(k) % n) + n) % n]!;
}
