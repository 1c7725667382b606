import type { Regime } from '@deltaclip/core';
import {
  InvalidOptionError,
  requireNonNegative,
  requireOneOf,
  requirePositive,
} from '@deltaclip/utils';
import { finiteOrNull, fmt } from './format.js';
import { type DistancePoint, type LossPoint, type MuPoint, toPoints } from './points.js';

/** One optimizer step as the certificate needs it: core's `StepTelemetry` fits. */
export interface StepLike {
  readonly step: number;
  /** h_t. */
  readonly stepSize: number;
  readonly gradNorm?: number;
  readonly regime?: Regime;
}

/**
 * Where the certificate's mu comes from, strongest first:
 * - `kernel-full`: 2c lambda_min(K) of the tangent kernel on every training sample, at each analysis
 *   point: a true PL* value at those points (a lower bound of mu_t there);
 * - `kernel-subset`: the same on a subset of the samples: optimistic, because a subset's
 *   lambda_min is at least the full kernel's (Cauchy interlacing);
 * - `trajectory`: the run's own smallest mu_t: descriptive, never a guarantee (the run passes
 *   `pl-star-along-run` by construction).
 */
export type MuSource = 'kernel-full' | 'kernel-subset' | 'trajectory';
export const MU_SOURCES: readonly MuSource[] = ['kernel-full', 'kernel-subset', 'trajectory'];

/**
 * `fails`: a check is violated. `vacuous`: every check holds but the guarantee says little
 * (tightness < {@link VACUOUS_TIGHTNESS}, ball radius > {@link VACUOUS_RADIUS_RATIO} times the distance
 * travelled, or mu from the run's own trajectory). `informative`: holds and says something.
 */
export type Verdict = 'fails' | 'vacuous' | 'informative';

/** Below this tightness a holding certificate is vacuous. */
export const VACUOUS_TIGHTNESS = 0.1;
/** Above this ratio of the ball radius to the distance travelled a holding certificate is vacuous. */
export const VACUOUS_RADIUS_RATIO = 100;

/** The optimizers the convergence argument covers (see {@link certificateCoverage} for the rest). */
export type CertifiedMethod = 'gradient-descent' | 'delta-gclip';

export interface CertificateInput {
  /**
   * `delta-gclip` (0 <= delta < 1) or `gradient-descent` (h_t = eta at every step, the same
   * argument with delta = 1). Default: `gradient-descent` when delta >= 1, else `delta-gclip`.
   */
  readonly method?: CertifiedMethod;
  /** Learning rate eta (constant over the run). */
  readonly eta: number;
  /** δ-GClip's gamma (no check depends on it; validated when given). */
  readonly gamma?: number;
  /** δ-GClip's delta; for gradient descent it may be omitted (it is 1). */
  readonly delta?: number;
  /** PL* constant of the loss on the region the run visits (normalization 0.5||grad L||^2 >= mu L). */
  readonly mu: number;
  /**
   * Where `mu` comes from (a monitor's `certificateInputs()` says). Default `trajectory`: a mu of
   * unstated origin is treated as descriptive, never as a guarantee.
   */
  readonly muSource?: MuSource;
  /** How many analysis points mu was taken over (for the label). */
  readonly muPoints?: number | null;
  /** Samples of the tangent kernel behind mu, and of the training set (for the label). */
  readonly kernelSamples?: number | null;
  readonly totalSamples?: number | null;
  /** Smoothness constant: the top Hessian eigenvalue magnitude. */
  readonly beta: number;
  /** At how many points of the path beta was measured (for the label). */
  readonly betaPoints?: number | null;
  /** L_t as `[L_0, L_1, ...]` or as `{ step, loss }` points. */
  readonly losses: readonly number[] | readonly LossPoint[];
  /** L_0, when `losses` has no step-0 point. */
  readonly initialLoss?: number;
  /**
   * The run's step sizes h_t, 0-based: h_t takes w_t to w_{t+1} (core's `StepTelemetry` records
   * fit). Needed for δ-GClip; for gradient descent, when omitted, h_t = eta by definition.
   */
  readonly steps?: readonly StepLike[];
  /** ||w_t - w_0|| as `[d_0, d_1, ...]` or `{ step, distance }` points. */
  readonly distances: readonly number[] | readonly DistancePoint[];
  /** Optional: mu_t along the run; adds a check that PL* held with `mu` where measured. */
  readonly muTrajectory?: readonly (number | null)[] | readonly MuPoint[];
  /**
   * The loss mu, beta and the losses were measured under, in words (a monitor's
   * `certificateInputs()` carries it); stated in the certificate.
   */
  readonly lossConvention?: string | null;
  /** Relative slack for float32 round-off in step sizes, losses and mu_t (default 1e-5). */
  readonly tolerance?: number;
}

export type CheckName =
  | 'eta-below-inverse-beta'
  | 'step-sizes-in-range'
  | 'loss-below-envelope'
  | 'loss-below-a-posteriori-envelope'
  | 'iterates-in-ball'
  | 'pl-star-along-run';

/** One condition of the convergence argument, held or violated, with the numbers behind it. */
export interface CertificateCheck {
  readonly name: CheckName;
  readonly held: boolean;
  /** One line a person can read: what was compared, and where it failed. */
  readonly detail: string;
  /** The numbers behind `detail` (null where a value is undefined or infinite). */
  readonly numbers: Readonly<Record<string, number | null>>;
}

/** One loss envelope, evaluated at the last measured step T. */
export interface Envelope {
  readonly kind: 'a-priori' | 'a-posteriori';
  /** The envelope's formula, in words. */
  readonly formula: string;
  /**
   * The per-step contraction: 1 - eta*delta*mu (a-priori), or the geometric mean of the
   * a-posteriori factors over steps 0..T-1.
   */
  readonly rate: number | null;
  /** Guaranteed L_T / L_0 (null when it underflows to 0 or is undefined). */
  readonly guaranteedRatio: number | null;
  /** log(guaranteed L_T/L_0): exact where the ratio itself underflows. */
  readonly logGuaranteedRatio: number | null;
  /** log(guaranteed L_T/L_0) / log(achieved L_T/L_0); null where undefined. */
  readonly tightness: number | null;
}

/** What mu and beta are, in words: where each constant comes from and what it is worth. */
export interface CertificateConstants {
  readonly mu: number;
  readonly muSource: MuSource;
  readonly muNote: string;
  readonly beta: number;
  readonly betaNote: string;
}

export interface Certificate {
  /** Discriminates a certificate from a {@link NotCovered} explanation. */
  readonly covered: true;
  readonly method: CertifiedMethod;
  /** `fails`, `vacuous` or `informative` (see {@link Verdict}); `reasons` says why. */
  readonly verdict: Verdict;
  /** Why the verdict is `fails` or `vacuous`, one line each (empty when informative). */
  readonly reasons: readonly string[];
  /** The verdict in one plain sentence, numbers printed so that none is rounded into another claim. */
  readonly sentence: string;
  /** True when every check held. */
  readonly held: boolean;
  readonly checks: readonly CertificateCheck[];
  readonly muSource: MuSource;
  readonly mu: number;
  readonly beta: number;
  readonly constants: CertificateConstants;
  /** The floor delta the argument uses: delta for δ-GClip, 1 for gradient descent. */
  readonly delta: number;
  /** Guaranteed per-step contraction 1 - eta*delta*mu (null when delta*mu = 0). */
  readonly rate: number | null;
  /** Last measured step T and the achieved L_T / L_0 there (null without a step after 0). */
  readonly finalStep: number | null;
  readonly achievedRatio: number | null;
  /** Which envelope `tightness` and the verdict use: the a-posteriori one wherever it exists. */
  readonly envelope: 'a-priori' | 'a-posteriori';
  readonly envelopes: {
    readonly aPriori: Envelope;
    /** Null when step sizes are missing for some step before T (then `unavailable` says which). */
    readonly aPosteriori: Envelope | null;
    readonly aPosterioriUnavailable: string | null;
  };
  /** The verdict's tightness: `envelopes[envelope].tightness`. */
  readonly tightness: number | null;
  /** R = 2 sqrt(2 L_0 / eta) / (delta mu) (null when delta*mu = 0). */
  readonly radius: number | null;
  /** max_t ||w_t - w_0|| over the measured steps (null without a finite one). */
  readonly maxDistance: number | null;
  /** radius / maxDistance (null where undefined or infinite). */
  readonly radiusRatio: number | null;
  /** The loss the certificate's numbers refer to (null when the input did not say). */
  readonly lossConvention: string | null;
}

function check(
  name: CheckName,
  held: boolean,
  detail: string,
  numbers: Record<string, number | null>,
): CertificateCheck {
  return { name, held, detail, numbers };
}

type Series = readonly { step: number; value: number | null }[];

/** How the method's constants read in detail lines. */
interface Method {
  readonly method: CertifiedMethod;
  /** The floor of h_t / eta: delta, or 1 for gradient descent. */
  readonly delta: number;
  /** `eta*delta*mu` or `eta*mu`. */
  readonly product: string;
  /** `[eta*delta, eta]` or `h_t = eta`. */
  readonly range: string;
  /** `(delta mu)` or `mu`. */
  readonly radiusDenominator: string;
}

function etaCheck(eta: number, beta: number): CertificateCheck {
  const inverseBeta = 1 / beta;
  const held = eta <= inverseBeta;
  return check(
    'eta-below-inverse-beta',
    held,
    held
      ? `eta = ${fmt(eta)} <= 1/beta = ${fmt(inverseBeta)} (beta = ${fmt(beta)})`
      : `eta = ${fmt(eta)} > 1/beta = ${fmt(inverseBeta)} (beta = ${fmt(beta)}): the descent lemma needs eta <= 1/beta`,
    { eta, beta, inverseBeta, etaTimesBeta: eta * beta },
  );
}

/** A zero gradient takes no step (h_t = 0 in core's telemetry): a stationary point, not a violation. */
function isStationary(s: StepLike): boolean {
  return s.regime === 'skipped' && s.gradNorm === 0;
}

function stepSizeCheck(
  steps: readonly StepLike[],
  eta: number,
  m: Method,
  tolerance: number,
): CertificateCheck {
  const lower = eta * m.delta;
  const numbers = (extra: Record<string, number | null>) => ({ lower, upper: eta, ...extra });
  if (steps.length === 0) {
    return check(
      'step-sizes-in-range',
      false,
      'no step sizes given: nothing to check',
      numbers({ steps: 0 }),
    );
  }
  let outside = 0;
  let stationary = 0;
  let first: StepLike | undefined;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of steps) {
    if (isStationary(s)) {
      stationary++;
      continue;
    }
    const h = s.stepSize;
    min = Math.min(min, h);
    max = Math.max(max, h);
    const inside = Number.isFinite(h) && h >= lower * (1 - tolerance) && h <= eta * (1 + tolerance);
    if (!inside) {
      outside++;
      first ??= s;
    }
  }
  const checked = steps.length - stationary;
  const range =
    m.method === 'gradient-descent'
      ? `h_t = eta = ${fmt(eta)}`
      : `${m.range} = [${fmt(lower)}, ${fmt(eta)}]`;
  const stationaryNote = stationary > 0 ? `; ${stationary} zero-gradient steps took no step` : '';
  const stats = {
    steps: checked,
    outside,
    stationary,
    min: finiteOrNull(min),
    max: finiteOrNull(max),
    firstOutsideStep: first?.step ?? null,
    firstOutsideStepSize: first === undefined ? null : finiteOrNull(first.stepSize),
  };
  if (outside === 0) {
    return check(
      'step-sizes-in-range',
      true,
      m.method === 'gradient-descent'
        ? `all ${checked} step sizes are ${range} (min ${fmt(min)}, max ${fmt(max)})${stationaryNote}`
        : `all ${checked} step sizes h_t lie in ${range} (min ${fmt(min)}, max ${fmt(max)})${stationaryNote}`,
      numbers(stats),
    );
  }
  return check(
    'step-sizes-in-range',
    false,
    `${outside} of ${checked} step sizes ${m.method === 'gradient-descent' ? 'differ from' : 'lie outside'} ${range}: first at step ${first!.step} ` +
      `(h = ${fmt(first!.stepSize)}${first!.regime ? `, regime ${first!.regime}` : ''})${stationaryNote}`,
    numbers(stats),
  );
}

/**
 * Compare L_t with an envelope given in logs, log(E_t / L_0), at every measured step; steps where
 * `logEnvelope` is undefined (null) are not checked.
 */
function compareWithEnvelope(
  points: Series,
  initialLoss: number,
  logEnvelope: (step: number) => number | null,
  tolerance: number,
) {
  let violations = 0;
  let compared = 0;
  let worstRatio = Number.NEGATIVE_INFINITY;
  let worstStep: number | null = null;
  let firstViolation: number | null = null;
  for (const { step, value } of points) {
    const log = step === 0 ? 0 : logEnvelope(step);
    if (log === null) continue;
    compared++;
    // In logs, so that long runs do not underflow early.
    const envelope = initialLoss === 0 ? 0 : Math.exp(Math.log(initialLoss) + log);
    const loss = value ?? Number.NaN;
    const ok = Number.isFinite(loss) && loss <= envelope * (1 + tolerance);
    const ratio = envelope > 0 ? loss / envelope : loss > 0 ? Number.POSITIVE_INFINITY : 0;
    if (!ok) {
      violations++;
      firstViolation ??= step;
    }
    // Step 0 sits on the envelope by definition; the closest approach is of interest after it.
    if ((step > 0 || points.length === 1) && !(ratio <= worstRatio)) {
      worstRatio = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio;
      worstStep = step;
    }
  }
  return { compared, violations, worstRatio: finiteOrNull(worstRatio), worstStep, firstViolation };
}

function envelopeCheck(
  points: Series,
  initialLoss: number,
  eta: number,
  m: Method,
  mu: number,
  tolerance: number,
): CertificateCheck {
  const product = eta * m.delta * mu;
  const rate = 1 - product;
  const formula = `(1 - ${m.product})^t L_0`;
  const base = { initialLoss, rate, etaDeltaMu: product };
  const none = { points: points.length, violations: null, worstRatio: null, worstStep: null };
  if (m.delta === 0 || mu === 0) {
    return check(
      'loss-below-envelope',
      false,
      m.delta === 0
        ? 'delta = 0 (plain GClip): the argument gives no rate, so there is no envelope to check'
        : 'mu = 0: no PL* constant, so there is no envelope to check',
      { ...base, ...none },
    );
  }
  if (rate < 0) {
    return check(
      'loss-below-envelope',
      false,
      `${m.product} = ${fmt(product)} > 1: the measurements are inconsistent (mu <= beta, so eta <= 1/beta and delta <= 1 give ${m.product} <= 1)`,
      { ...base, ...none },
    );
  }
  if (points.length === 0) {
    return check('loss-below-envelope', false, 'no losses given: nothing to check', {
      ...base,
      ...none,
      points: 0,
    });
  }
  const logRate = Math.log(rate);
  const r = compareWithEnvelope(
    points,
    initialLoss,
    (t) => (rate === 0 ? Number.NEGATIVE_INFINITY : t * logRate),
    tolerance,
  );
  const numbers = {
    ...base,
    points: points.length,
    violations: r.violations,
    worstRatio: r.worstRatio,
    worstStep: r.worstStep,
  };
  if (r.violations === 0) {
    return check(
      'loss-below-envelope',
      true,
      `L_t <= ${formula} at all ${points.length} measured steps (rate ${fmt(rate)}, L_0 = ${fmt(initialLoss)}; closest: L_t/envelope = ${fmt(r.worstRatio)} at step ${r.worstStep})`,
      numbers,
    );
  }
  return check(
    'loss-below-envelope',
    false,
    `L_t exceeds ${formula} at ${r.violations} of ${points.length} measured steps, first at step ${r.firstViolation} (rate ${fmt(rate)}; worst L_t/envelope = ${fmt(r.worstRatio)} at step ${r.worstStep})`,
    numbers,
  );
}

/**
 * Prefix sums of log(1 - 2 h_s mu (1 - h_s beta / 2)) over s < t, for t = 0..upTo, from the step
 * sizes the run took; `missing` names the first step without a finite h_s.
 */
function aPosterioriLogs(
  steps: readonly StepLike[] | null,
  eta: number,
  mu: number,
  beta: number,
  upTo: number,
): { logs: number[]; missing: number | null } {
  const h = new Map<number, number>();
  if (steps === null) for (let t = 0; t < upTo; t++) h.set(t, eta);
  else for (const s of steps) h.set(s.step, isStationary(s) ? 0 : s.stepSize);
  const logs = [0];
  for (let t = 0; t < upTo; t++) {
    const ht = h.get(t);
    if (ht === undefined || !Number.isFinite(ht)) return { logs, missing: t };
    // >= 1 - mu/beta >= 0 for every h (the maximum of h (1 - h beta/2) is 1/(2 beta)).
    const factor = 1 - 2 * ht * mu * (1 - (ht * beta) / 2);
    logs.push(logs[t]! + (factor > 0 ? Math.log(factor) : Number.NEGATIVE_INFINITY));
  }
  return { logs, missing: null };
}

const A_POSTERIORI_FORMULA = 'prod_{s<t} (1 - 2 h_s mu (1 - h_s beta/2)) L_0';

function aPosterioriCheck(
  points: Series,
  initialLoss: number,
  logs: readonly number[],
  tolerance: number,
): CertificateCheck {
  const r = compareWithEnvelope(points, initialLoss, (t) => logs[t] ?? null, tolerance);
  const numbers = {
    initialLoss,
    points: r.compared,
    violations: r.violations,
    worstRatio: r.worstRatio,
    worstStep: r.worstStep,
  };
  if (r.violations === 0) {
    return check(
      'loss-below-a-posteriori-envelope',
      r.compared > 0,
      r.compared > 0
        ? `L_t <= ${A_POSTERIORI_FORMULA} at all ${r.compared} measured steps (closest: L_t/envelope = ${fmt(r.worstRatio)} at step ${r.worstStep})`
        : 'no losses given: nothing to check',
      numbers,
    );
  }
  return check(
    'loss-below-a-posteriori-envelope',
    false,
    `L_t exceeds ${A_POSTERIORI_FORMULA} at ${r.violations} of ${r.compared} measured steps, first at step ${r.firstViolation} (worst L_t/envelope = ${fmt(r.worstRatio)} at step ${r.worstStep})`,
    numbers,
  );
}

function ballCheck(
  points: Series,
  initialLoss: number,
  eta: number,
  m: Method,
  mu: number,
  beta: number,
): CertificateCheck {
  const deltaMu = m.delta * mu;
  const radius = deltaMu > 0 ? (2 * Math.sqrt((2 * initialLoss) / eta)) / deltaMu : null;
  const radiusWithBeta = deltaMu > 0 ? (2 * Math.sqrt(2 * beta * initialLoss)) / deltaMu : null;
  const radiusSharp = mu > 0 ? 2 * Math.sqrt((2 * initialLoss) / mu) : null;
  let maxDistance = Number.NEGATIVE_INFINITY;
  let maxStep: number | null = null;
  let bad = 0;
  for (const { step, value } of points) {
    const d = value ?? Number.NaN;
    if (!Number.isFinite(d)) bad++;
    else if (d > maxDistance) {
      maxDistance = d;
      maxStep = step;
    }
  }
  const numbers = {
    radius,
    radiusWithBeta,
    radiusSharp,
    maxDistance: finiteOrNull(maxDistance),
    maxStep,
    points: points.length,
  };
  const rFormula = `R = 2 sqrt(2 L_0/eta)/${m.radiusDenominator}`;
  if (radius === null) {
    return check(
      'iterates-in-ball',
      false,
      `${m.method === 'gradient-descent' ? 'mu' : 'delta*mu'} = 0: the radius ${rFormula} is infinite, so PL* on a bounded ball gives no guarantee`,
      numbers,
    );
  }
  if (points.length === 0) {
    return check(
      'iterates-in-ball',
      false,
      'no distances from initialization given: nothing to check',
      numbers,
    );
  }
  const held = bad === 0 && maxDistance <= radius;
  const rLine = `${rFormula} = ${fmt(radius)}`;
  return check(
    'iterates-in-ball',
    held,
    held
      ? `max ||w_t - w_0|| = ${fmt(maxDistance)} (step ${maxStep}) <= ${rLine}`
      : bad > 0
        ? `${bad} distances from initialization are not finite numbers`
        : `max ||w_t - w_0|| = ${fmt(maxDistance)} at step ${maxStep} > ${rLine}: the iterates left the ball`,
    numbers,
  );
}

function plStarCheck(points: Series, mu: number, tolerance: number): CertificateCheck {
  let below = 0;
  let min = Number.POSITIVE_INFINITY;
  let minStep: number | null = null;
  let measured = 0;
  for (const { step, value } of points) {
    // mu_t is undefined where L_t = 0, and PL* holds trivially there.
    if (value === null) continue;
    measured++;
    if (!(value >= mu * (1 - tolerance))) below++;
    if (!(value >= min)) {
      min = value;
      minStep = step;
    }
  }
  const numbers = { mu, minMu: finiteOrNull(min), minStep, points: measured, below };
  if (measured === 0) {
    return check(
      'pl-star-along-run',
      false,
      'no mu_t measurements given: nothing to check',
      numbers,
    );
  }
  return check(
    'pl-star-along-run',
    below === 0,
    below === 0
      ? `mu_t >= mu = ${fmt(mu)} at all ${measured} measured steps (min ${fmt(min)} at step ${minStep})`
      : `mu_t < mu = ${fmt(mu)} at ${below} of ${measured} measured steps (min ${fmt(min)} at step ${minStep}): PL* did not hold with this mu`,
    numbers,
  );
}

function atPoints(points: number | null | undefined): string {
  return typeof points === 'number'
    ? `${points} analysis point${points === 1 ? '' : 's'}`
    : 'the measured points';
}

/** What mu is worth, in words. */
export function describeMu(
  source: MuSource,
  details: {
    readonly muPoints?: number | null;
    readonly kernelSamples?: number | null;
    readonly totalSamples?: number | null;
  } = {},
): string {
  const at = atPoints(details.muPoints);
  const { kernelSamples: n, totalSamples: total } = details;
  switch (source) {
    case 'kernel-full':
      return `mu = 2c lambda_min(K), smallest over ${at}, with the tangent kernel on every training sample${typeof total === 'number' ? ` (all ${total})` : ''}: a true PL* value at those points`;
    case 'kernel-subset':
      return `mu = 2c lambda_min(K), smallest over ${at}, with the tangent kernel on ${typeof n === 'number' ? n : 'a subset'}${typeof total === 'number' ? ` of ${total}` : ''} samples: optimistic (a subset's lambda_min is at least the full kernel's)`;
    case 'trajectory':
      return `mu = the smallest mu_t = ||grad L||^2 / (2L) of this run, over ${at}: descriptive, not a guarantee (the run satisfies PL* with it by construction)`;
  }
}

/** What beta is worth, in words. */
export function describeBeta(betaPoints?: number | null): string {
  return `beta = the largest top Hessian eigenvalue measured along the path at ${atPoints(betaPoints)} (power iteration): not a bound over the ball`;
}

/** A ratio given by its log, also where exp underflows (`1.2e-400`). */
export function fmtFromLog(log: number): string {
  const x = Math.exp(log);
  if (x > 0 || !Number.isFinite(log)) return fmt(x);
  const log10 = log / Math.LN10;
  const exponent = Math.floor(log10);
  return `${fmt(10 ** (log10 - exponent))}e${exponent}`;
}

function logRatioTightness(logGuaranteed: number, achievedRatio: number | null): number | null {
  if (achievedRatio === null || !(achievedRatio < 1) || !Number.isFinite(logGuaranteed)) {
    return null;
  }
  // L_T = 0: any finite guarantee is infinitely loose.
  if (achievedRatio === 0) return 0;
  return logGuaranteed / Math.log(achievedRatio);
}

function envelopeAt(
  kind: Envelope['kind'],
  formula: string,
  logGuaranteed: number | null,
  finalStep: number | null,
  achievedRatio: number | null,
): Envelope {
  const usable = logGuaranteed !== null && finalStep !== null && finalStep > 0;
  return {
    kind,
    formula,
    rate: usable ? finiteOrNull(Math.exp(logGuaranteed / finalStep)) : null,
    guaranteedRatio: usable ? finiteOrNull(Math.exp(logGuaranteed)) || null : null,
    logGuaranteedRatio: usable ? finiteOrNull(logGuaranteed) : null,
    tightness: usable ? logRatioTightness(logGuaranteed, achievedRatio) : null,
  };
}

function sentenceOf(
  c: Omit<Certificate, 'sentence'>,
  failed: readonly CertificateCheck[],
  envelope: Envelope,
): string {
  if (c.verdict === 'fails') {
    const first = failed[0]!;
    return `fails: ${failed.map((f) => f.name).join(', ')} violated (${first.detail})`;
  }
  if (c.finalStep === null || envelope.logGuaranteedRatio === null) {
    return `vacuous: ${c.reasons.join('; ')}`;
  }
  const guaranteed = fmtFromLog(envelope.logGuaranteedRatio);
  const steps = `after ${c.finalStep} step${c.finalStep === 1 ? '' : 's'}`;
  const claim =
    c.muSource === 'trajectory'
      ? `with the run's own mu_t as mu (descriptive, not a guarantee) the envelope allows L <= ${guaranteed} L_0 ${steps}`
      : c.muSource === 'kernel-subset'
        ? `guarantees, with an optimistic mu (tangent kernel on a subset of the samples), L <= ${guaranteed} L_0 ${steps}`
        : `guarantees L <= ${guaranteed} L_0 ${steps}`;
  const radius =
    c.radiusRatio === null || c.radiusRatio > VACUOUS_RADIUS_RATIO
      ? `, ball radius ${c.radiusRatio === null ? 'unbounded against' : `${fmt(c.radiusRatio)}x`} the distance travelled`
      : '';
  return `${claim}; achieved ${fmt(c.achievedRatio)} L_0 (tightness ${fmt(c.tightness)}${radius}: ${c.verdict})`;
}

/**
 * Check the conditions of the convergence argument on a run of δ-GClip or gradient descent (see
 * the README for the derivation): eta <= 1/beta; every h_t in [eta*delta, eta] (h_t = eta for
 * gradient descent); L_t below the a-priori envelope (1 - eta*delta*mu)^t L_0 and the a-posteriori
 * one prod_{s<t} (1 - 2 h_s mu (1 - h_s beta/2)) L_0; ||w_t - w_0|| <= R = 2 sqrt(2 L_0/eta)/(delta mu);
 * optionally mu_t >= mu along the run. Each check reports held or violated with its numbers; the
 * verdict grades the whole (`fails`, `vacuous`, `informative`) and says why in one sentence.
 */
export function certify(input: CertificateInput): Certificate {
  const eta = requirePositive('eta', input.eta);
  if (input.gamma !== undefined) requirePositive('gamma', input.gamma);
  const method =
    input.method ??
    (input.delta !== undefined && input.delta >= 1 ? 'gradient-descent' : 'delta-gclip');
  requireOneOf('method', method, ['gradient-descent', 'delta-gclip'] as const);
  if (method === 'delta-gclip' && input.delta === undefined) {
    throw new InvalidOptionError(
      "delta is needed for δ-GClip (pass delta, or method: 'gradient-descent' for plain gradient descent)",
    );
  }
  const delta = input.delta === undefined ? 1 : requireNonNegative('delta', input.delta);
  if (method === 'gradient-descent' && delta < 1) {
    throw new InvalidOptionError(
      `delta must be >= 1 for gradient descent (got ${delta}): below 1 the step is δ-GClip's`,
    );
  }
  const mu = requireNonNegative('mu', input.mu);
  const beta = requirePositive('beta', input.beta);
  const muSource = requireOneOf('muSource', input.muSource ?? 'trajectory', MU_SOURCES);
  const tolerance = requireNonNegative('tolerance', input.tolerance ?? 1e-5);
  const losses = toPoints<LossPoint>(input.losses, (p) => p.loss);
  const atZero = losses.find((p) => p.step === 0)?.value;
  if (input.initialLoss === undefined && (atZero === undefined || atZero === null)) {
    throw new InvalidOptionError(
      'losses must include step 0 (L_0), or initialLoss must be given: the envelope starts from L_0',
    );
  }
  if (method === 'delta-gclip' && input.steps === undefined) {
    throw new InvalidOptionError(
      "steps are needed for δ-GClip: the step sizes h_t the run took (core's StepTelemetry records)",
    );
  }
  const initialLoss = requireNonNegative('initialLoss', input.initialLoss ?? atZero);
  const distances = toPoints<DistancePoint>(input.distances, (p) => p.distance);
  // delta >= 1 floors h_t at eta: the argument's delta is min(delta, 1).
  const floor = method === 'gradient-descent' ? 1 : Math.min(delta, 1);
  const m: Method =
    method === 'gradient-descent'
      ? { method, delta: 1, product: 'eta*mu', range: 'h_t = eta', radiusDenominator: 'mu' }
      : {
          method,
          delta: floor,
          product: 'eta*delta*mu',
          range: '[eta*delta, eta]',
          radiusDenominator: '(delta mu)',
        };

  const measured = losses.filter((p) => p.step > 0 && p.value !== null);
  const last = measured.reduce<(typeof measured)[number] | null>(
    (a, p) => (a === null || p.step > a.step ? p : a),
    null,
  );
  const finalStep = last?.step ?? null;
  const achievedRatio =
    last === null || initialLoss === 0 ? null : finiteOrNull(last.value! / initialLoss);

  const checks = [etaCheck(eta, beta)];
  if (input.steps !== undefined) checks.push(stepSizeCheck(input.steps, eta, m, tolerance));
  checks.push(envelopeCheck(losses, initialLoss, eta, m, mu, tolerance));
  const maxLossStep = Math.max(0, ...losses.map((p) => p.step));
  const post = mu > 0 ? aPosterioriLogs(input.steps ?? null, eta, mu, beta, maxLossStep) : null;
  if (post !== null && post.logs.length > 1) {
    checks.push(aPosterioriCheck(losses, initialLoss, post.logs, tolerance));
  }
  checks.push(ballCheck(distances, initialLoss, eta, m, mu, beta));
  if (input.muTrajectory !== undefined) {
    checks.push(
      plStarCheck(
        toPoints<MuPoint>(input.muTrajectory, (p) => p.mu),
        mu,
        tolerance,
      ),
    );
  }

  const deltaMu = floor * mu;
  const rate = deltaMu > 0 ? 1 - eta * deltaMu : null;
  const radius = deltaMu > 0 ? (2 * Math.sqrt((2 * initialLoss) / eta)) / deltaMu : null;
  const ball = checks.find((c) => c.name === 'iterates-in-ball')!;
  const maxDistance = ball.numbers.maxDistance ?? null;
  const radiusRatio =
    radius === null || maxDistance === null || maxDistance === 0
      ? null
      : finiteOrNull(radius / maxDistance);

  const aPriori = envelopeAt(
    'a-priori',
    `(1 - ${m.product})^t`,
    rate === null || finalStep === null ? null : finalStep * Math.log(rate),
    finalStep,
    achievedRatio,
  );
  const postAtT = post === null || finalStep === null ? null : (post.logs[finalStep] ?? null);
  const aPosteriori =
    postAtT === null
      ? null
      : envelopeAt(
          'a-posteriori',
          'prod_{s<t} (1 - 2 h_s mu (1 - h_s beta/2))',
          postAtT,
          finalStep,
          achievedRatio,
        );
  const aPosterioriUnavailable =
    aPosteriori !== null
      ? null
      : mu === 0
        ? 'mu = 0: no PL* constant'
        : finalStep === null
          ? 'no loss measured after L_0'
          : `no finite step size for step ${post?.missing ?? 0}, so the product stops there`;
  const envelope = aPosteriori ?? aPriori;
  const tightness = envelope.tightness;

  const failed = checks.filter((c) => !c.held);
  const reasons: string[] = failed.map((c) => `${c.name}: ${c.detail}`);
  if (failed.length === 0) {
    if (muSource === 'trajectory') {
      reasons.push(
        "mu is the run's own smallest mu_t: it describes this run and guarantees nothing (PL* holds with it by construction)",
      );
    }
    if (finalStep === null) reasons.push('no loss was measured after L_0');
    else if (tightness === null) reasons.push('the tightness is undefined (the loss did not fall)');
    else if (tightness < VACUOUS_TIGHTNESS) {
      reasons.push(
        `tightness ${fmt(tightness)} < ${VACUOUS_TIGHTNESS}: the ${envelope.kind} envelope allows L_T/L_0 = ${envelope.logGuaranteedRatio === null ? 'n/a' : fmtFromLog(envelope.logGuaranteedRatio)} where the run reached ${fmt(achievedRatio)}`,
      );
    }
    if (radiusRatio === null || radiusRatio > VACUOUS_RADIUS_RATIO) {
      reasons.push(
        radiusRatio === null
          ? 'the distance travelled is 0 or unmeasured, so the ball radius says nothing about it'
          : `ball radius R = ${fmt(radius)} is ${fmt(radiusRatio)}x the distance travelled ${fmt(maxDistance)} (> ${VACUOUS_RADIUS_RATIO}x)`,
      );
    }
  }
  const verdict: Verdict =
    failed.length > 0 ? 'fails' : reasons.length > 0 ? 'vacuous' : 'informative';
  const constants: CertificateConstants = {
    mu,
    muSource,
    muNote: describeMu(muSource, input),
    beta,
    betaNote: describeBeta(input.betaPoints),
  };
  const partial: Omit<Certificate, 'sentence'> = {
    covered: true,
    method,
    verdict,
    reasons,
    held: failed.length === 0,
    checks,
    muSource,
    mu,
    beta,
    constants,
    delta: floor,
    rate,
    finalStep,
    achievedRatio,
    envelope: envelope.kind,
    envelopes: { aPriori, aPosteriori, aPosterioriUnavailable },
    tightness,
    radius,
    maxDistance,
    radiusRatio,
    lossConvention: input.lossConvention ?? null,
  };
  return { ...partial, sentence: sentenceOf(partial, failed, envelope) };
}

/** The compact JSON form of a certificate, for `--json` outputs and reports. */
export interface CertificateSummary {
  readonly method: CertifiedMethod;
  readonly verdict: Verdict;
  readonly sentence: string;
  readonly reasons: readonly string[];
  readonly muSource: MuSource;
  readonly mu: number;
  readonly muNote: string;
  readonly beta: number;
  readonly betaNote: string;
  readonly envelope: 'a-priori' | 'a-posteriori';
  readonly tightness: number | null;
  readonly guaranteedRatio: number | null;
  readonly achievedRatio: number | null;
  readonly finalStep: number | null;
  readonly rate: number | null;
  readonly radius: number | null;
  readonly maxDistance: number | null;
  readonly radiusRatio: number | null;
  readonly lossConvention: string | null;
  readonly checks: readonly {
    readonly name: CheckName;
    readonly held: boolean;
    readonly detail: string;
  }[];
}

/** The fields a CLI's `--json` or a report needs, from a certificate (plain JSON). */
export function summarizeCertificate(c: Certificate): CertificateSummary {
  const envelope = c.envelope === 'a-posteriori' ? c.envelopes.aPosteriori! : c.envelopes.aPriori;
  return {
    method: c.method,
    verdict: c.verdict,
    sentence: c.sentence,
    reasons: c.reasons,
    muSource: c.muSource,
    mu: c.mu,
    muNote: c.constants.muNote,
    beta: c.beta,
    betaNote: c.constants.betaNote,
    envelope: c.envelope,
    tightness: c.tightness,
    guaranteedRatio: envelope.guaranteedRatio,
    achievedRatio: c.achievedRatio,
    finalStep: c.finalStep,
    rate: c.rate,
    radius: c.radius,
    maxDistance: c.maxDistance,
    radiusRatio: c.radiusRatio,
    lossConvention: c.lossConvention,
    checks: c.checks.map(({ name, held, detail }) => ({ name, held, detail })),
  };
}
