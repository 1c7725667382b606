/**
 * The palette is told apart by people with the common colour-vision deficiencies: every colour is
 * simulated for protanopia, deuteranopia and tritanopia (Machado, Oliveira and Fernandes 2009,
 * severity 1, applied to linear sRGB) and converted to CIE L*a*b* (D65); within each group, and
 * between groups that share a picture, the smallest pairwise distance (CIE76 Delta E) under every
 * vision must stay above a floor.
 */
import { describe, expect, it } from 'vitest';
import {
  CLASS_COLORS,
  classColor,
  OPTIMIZER_COLORS,
  REFERENCE_LINE,
  REGIME_COLORS,
  TEST_CURVE_DASH,
  VERDICT_COLORS,
} from './palette.js';

type Vec3 = readonly [number, number, number];
type Mat3 = readonly [Vec3, Vec3, Vec3];

/** Machado et al. 2009, Table 1, severity 1.0 (rows map linear RGB to simulated linear RGB). */
const SIMULATIONS: Readonly<Record<string, Mat3 | null>> = {
  normal: null,
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

function hexToLinear(hex: string): Vec3 {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const channel = (h: string) => {
    const c = Number.parseInt(h, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return [channel(m[1]!), channel(m[2]!), channel(m[3]!)];
}

const apply = (m: Mat3, v: Vec3): Vec3 => [
  m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
  m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
  m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
];

/** Linear sRGB (clamped to the gamut, as a screen shows it) to CIE L*a*b* with the D65 white. */
function linearToLab(rgb: Vec3): Vec3 {
  const [r, g, b] = rgb.map((c) => Math.min(1, Math.max(0, c))) as unknown as Vec3;
  const x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = 0.0193339 * r + 0.119192 * g + 0.9503041 * b;
  const f = (t: number) => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);
  const fx = f(x / 0.95047);
  const fy = f(y / 1);
  const fz = f(z / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

function lab(hex: string, vision: string): Vec3 {
  const m = SIMULATIONS[vision]!;
  const v = hexToLinear(hex);
  return linearToLab(m === null ? v : apply(m, v));
}

const deltaE = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** The closest pair of `a` (and `b`, or `a` itself) under any vision: its distance and names. */
function closest(
  a: Readonly<Record<string, string>>,
  b?: Readonly<Record<string, string>>,
): { distance: number; pair: string } {
  let best = { distance: Number.POSITIVE_INFINITY, pair: '' };
  const left = Object.entries(a);
  const right = Object.entries(b ?? a);
  for (const vision of Object.keys(SIMULATIONS)) {
    for (const [i, [na, ca]] of left.entries()) {
      for (const [j, [nb, cb]] of right.entries()) {
        if (b === undefined && j <= i) continue;
        const d = deltaE(lab(ca, vision), lab(cb, vision));
        if (d < best.distance) best = { distance: d, pair: `${na}/${nb} (${vision})` };
      }
    }
  }
  return best;
}

/** Smallest Delta E within a group (colours that label different things in one chart). */
const WITHIN = 20;
/** Smallest Delta E between two groups drawn in one picture. */
const BETWEEN = 12;

const classes = Object.fromEntries(CLASS_COLORS.map((c, k) => [`class ${k}`, c]));
// The regime "skipped" (a non-finite gradient: no step) is drawn too, so it must differ as well.
const regimes: Record<string, string> = { ...REGIME_COLORS };
const optimizers: Record<string, string> = { ...OPTIMIZER_COLORS };
const reference = { reference: REFERENCE_LINE.color };

describe('the colour system', () => {
  it('checks the simulator itself: white stays white, and red and green merge for protans', () => {
    for (const vision of Object.keys(SIMULATIONS)) {
      expect(deltaE(lab('#ffffff', vision), [100, 0, 0])).toBeLessThan(1.5);
    }
    // Pure red against a green of similar lightness: far apart normally, close for protans.
    expect(deltaE(lab('#d00000', 'normal'), lab('#6a7000', 'normal'))).toBeGreaterThan(60);
    expect(deltaE(lab('#d00000', 'protanopia'), lab('#6a7000', 'protanopia'))).toBeLessThan(20);
  });

  it('keeps optimizers, regimes and classes apart within each group under every vision', () => {
    for (const [name, group] of [
      ['optimizers', optimizers],
      ['regimes', regimes],
      ['classes', classes],
    ] as const) {
      const c = closest(group);
      expect({ group: name, ok: c.distance >= WITHIN, ...c }).toMatchObject({ ok: true });
    }
  });

  it('keeps groups apart where they share a picture', () => {
    // The step-size chart: regime points over the neutral eta*delta floor line.
    // The gradient-norm chart and the loss chart: optimizer curves with neutral reference lines.
    // A card: its optimizer's accent over the decision regions in class colours, and the
    // step-size chart's regime points.
    for (const [name, a, b] of [
      ['regimes vs reference', regimes, reference],
      ['optimizers vs reference', optimizers, reference],
      ['optimizers vs classes', optimizers, classes],
      ['regimes vs optimizers', regimes, optimizers],
      // Not in one picture, but a colour means one thing across the page.
      ['regimes vs classes', regimes, classes],
    ] as const) {
      const c = closest(a, b);
      expect({ groups: name, ok: c.distance >= BETWEEN, ...c }).toMatchObject({ ok: true });
    }
  });

  it('draws reference lines neutral (grey) and tells them apart by dash, not hue', () => {
    const [, a, b] = lab(REFERENCE_LINE.color, 'normal');
    expect(Math.hypot(a, b)).toBeLessThan(3);
    const dashes = [REFERENCE_LINE.gamma, REFERENCE_LINE.gammaOverDelta, REFERENCE_LINE.etaDelta];
    expect(new Set(dashes.map((d) => d.join(','))).size).toBe(3);
    expect(dashes.map((d) => d.join(','))).not.toContain(TEST_CURVE_DASH.join(','));
  });

  it('gives verdicts distinct colours legible as text, and cycles class colours', () => {
    // A verdict's colour always comes with its word: a lower floor, but text contrast on white.
    expect(closest(VERDICT_COLORS).distance).toBeGreaterThanOrEqual(15);
    for (const hex of Object.values(VERDICT_COLORS)) {
      const [r, g, b] = hexToLinear(hex);
      const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      expect({ hex, contrast: 1.05 / (luminance + 0.05) >= 4.5 }).toEqual({ hex, contrast: true });
    }
    expect(classColor(CLASS_COLORS.length + 1)).toBe(CLASS_COLORS[1]);
    expect(classColor(-1)).toBe(CLASS_COLORS[CLASS_COLORS.length - 1]);
  });
});
