/**
 * The one colour system of deltaclip's pictures (the demo playground and the CLI's report.html):
 * each colour means one thing. Optimizers and regimes use the Okabe–Ito palette (distinct under
 * the common colour-vision deficiencies); classes use Paul Tol's muted scheme, chosen so that no
 * class colour repeats an optimizer or regime colour; reference lines (gamma, gamma/delta,
 * eta*delta) are neutral and told apart by their dash pattern and label, never by hue.
 */

/** Line colour per optimizer family, keyed by the CLI's optimizer names. */
export const OPTIMIZER_COLORS = {
  sgd: '#666666',
  adam: '#CC79A7',
  gclip: '#0072B2',
  'delta-gclip': '#E69F00',
} as const;

export type OptimizerFamily = keyof typeof OPTIMIZER_COLORS;

/** The regime a δ-GClip/GClip step was in (h_t = eta, eta*gamma/||g||, or the floor eta*delta). */
export const REGIME_COLORS = {
  unclipped: '#009E73',
  clipped: '#56B4E9',
  floored: '#D55E00',
  skipped: '#000000',
} as const;

export type Regime = keyof typeof REGIME_COLORS;

/** Class colours for points and decision regions, in class-index order (cycled past the end). */
export const CLASS_COLORS = ['#332288', '#DDCC77', '#882255', '#44AA99', '#999933'] as const;

/** Neutral reference lines: one colour, told apart by dash pattern (uPlot/canvas dash arrays). */
export const REFERENCE_LINE = {
  color: '#3d3d3d',
  gamma: [6, 4],
  gammaOverDelta: [2, 3],
  etaDelta: [10, 3, 2, 3],
} as const;

/** Test curves are drawn in their optimizer's colour with this dash; say so in a legend. */
export const TEST_CURVE_DASH = [5, 5] as const;

/** Certificate verdicts (see @deltaclip/plstar's certify). */
export const VERDICT_COLORS = {
  informative: '#1a7f37',
  vacuous: '#9a6700',
  fails: '#cf222e',
  'not-covered': '#57606a',
} as const;

/** The class colour for class index `k` (cycles past the end of CLASS_COLORS). */
export function classColor(k: number): string {
  const n = CLASS_COLORS.length;
  return CLASS_COLORS[((Math.trunc(k) % n) + n) % n]!;
}
