import type { Regime } from '@deltaclip/core';
import { InvalidOptionError, requireNonNegative, requirePositive } from '@deltaclip/utils';
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

export interface CertificateInput {
  /** Learning rate eta of δ-GClip (constant over the run). */
  readonly eta: number;
  readonly gamma: number;
  readonly delta: number;
  /** PL* constant of the loss on the region the run visits (normalization 0.5||grad L||^2 >= mu L). */
  readonly mu: number;
  /** Smoothness constant: the top Hessian eigenvalue magnitude. */
  readonly beta: number;
  /** L_t as `[L_0, L_1, ...]` or as `{ step, loss }` points. */
  readonly losses: readonly number[] | readonly LossPoint[];
  /** L_0, when `losses` has no step-0 point. */
  readonly initialLoss?: number;
  /** The run's step sizes h_t (core's `StepTelemetry` records fit). */
  readonly steps: readonly StepLike[];
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

export interface Certificate {
  /** True when every check held. */
  readonly held: boolean;
  readonly checks: readonly CertificateCheck[];
  /** Guaranteed per-step contraction 1 - eta*delta*mu (null when delta*mu = 0). */
  readonly rate: number | null;
  /** R = 2 sqrt(2 L_0 / eta) / (delta mu) (null when delta*mu = 0). */
  readonly radius: number | null;
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

function stepSizeCheck(
  steps: readonly StepLike[],
  eta: number,
  delta: number,
  tolerance: number,
): CertificateCheck {
  const lower = eta * Math.min(delta, 1);
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
    // A zero gradient takes no step (h_t = 0 in core's telemetry): a stationary point, where
    // PL* forces L = 0. It is not a violation of the step-size range.
    if (s.regime === 'skipped' && s.gradNorm === 0) {
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
  const range = `[eta*delta, eta] = [${fmt(lower)}, ${fmt(eta)}]`;
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
      `all ${checked} step sizes h_t lie in ${range} (min ${fmt(min)}, max ${fmt(max)})${stationaryNote}`,
      numbers(stats),
    );
  }
  return check(
    'step-sizes-in-range',
    false,
    `${outside} of ${checked} step sizes lie outside ${range}: first at step ${first!.step} ` +
      `(h = ${fmt(first!.stepSize)}${first!.regime ? `, regime ${first!.regime}` : ''})${stationaryNote}`,
    numbers(stats),
  );
}

function envelopeCheck(
  points: readonly { step: number; value: number | null }[],
  initialLoss: number,
  eta: number,
  delta: number,
  mu: number,
  tolerance: number,
): CertificateCheck {
  const rate = 1 - eta * delta * mu;
  const base = { initialLoss, rate, etaDeltaMu: eta * delta * mu };
  if (delta === 0 || mu === 0) {
    return check(
      'loss-below-envelope',
      false,
      delta === 0
        ? 'delta = 0 (plain GClip): the argument gives no rate, so there is no envelope to check'
        : 'mu = 0: no PL* constant, so there is no envelope to check',
      { ...base, points: points.length, violations: null, worstRatio: null, worstStep: null },
    );
  }
  if (rate < 0) {
    return check(
      'loss-below-envelope',
      false,
      `eta*delta*mu = ${fmt(eta * delta * mu)} > 1: the measurements are inconsistent (mu <= beta, so eta <= 1/beta and delta <= 1 give eta*delta*mu <= 1)`,
      { ...base, points: points.length, violations: null, worstRatio: null, worstStep: null },
    );
  }
  if (points.length === 0) {
    return check('loss-below-envelope', false, 'no losses given: nothing to check', {
      ...base,
      points: 0,
      violations: null,
      worstRatio: null,
      worstStep: null,
    });
  }
  const logRate = Math.log(rate);
  let violations = 0;
  let worstRatio = Number.NEGATIVE_INFINITY;
  let worstStep = points[0]!.step;
  let firstViolation: number | undefined;
  for (const { step, value } of points) {
    // The envelope (1 - eta delta mu)^t L_0, in logs so that long runs do not underflow early.
    const envelope =
      step === 0 ? initialLoss : rate === 0 ? 0 : Math.exp(Math.log(initialLoss) + step * logRate);
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
  const numbers = {
    ...base,
    points: points.length,
    violations,
    worstRatio: finiteOrNull(worstRatio),
    worstStep,
  };
  if (violations === 0) {
    return check(
      'loss-below-envelope',
      true,
      `L_t <= (1 - eta*delta*mu)^t L_0 at all ${points.length} measured steps (rate ${fmt(rate)}, L_0 = ${fmt(initialLoss)}; closest: L_t/envelope = ${fmt(worstRatio)} at step ${worstStep})`,
      numbers,
    );
  }
  return check(
    'loss-below-envelope',
    false,
    `L_t exceeds (1 - eta*delta*mu)^t L_0 at ${violations} of ${points.length} measured steps, first at step ${firstViolation} (rate ${fmt(rate)}; worst L_t/envelope = ${fmt(worstRatio)} at step ${worstStep})`,
    numbers,
  );
}

function ballCheck(
  points: readonly { step: number; value: number | null }[],
  initialLoss: number,
  eta: number,
  delta: number,
  mu: number,
  beta: number,
): CertificateCheck {
  const deltaMu = delta * mu;
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
  if (radius === null) {
    return check(
      'iterates-in-ball',
      false,
      `delta*mu = 0: the radius R = 2 sqrt(2 L_0/eta)/(delta mu) is infinite, so PL* on a bounded ball gives no guarantee`,
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
  const rLine = `R = 2 sqrt(2 L_0/eta)/(delta mu) = ${fmt(radius)}`;
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

function plStarCheck(
  points: readonly { step: number; value: number | null }[],
  mu: number,
  tolerance: number,
): CertificateCheck {
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

/**
 * Check the conditions of the δ-GClip convergence argument on a run (see the README for the
 * derivation): eta <= 1/beta; every h_t in [eta*delta, eta]; L_t <= (1 - eta*delta*mu)^t L_0; and
 * ||w_t - w_0|| <= R = 2 sqrt(2 L_0/eta)/(delta mu). Optionally mu_t >= mu along the run. Each check
 * reports held or violated with its numbers; the certificate holds when all do.
 */
export function certify(input: CertificateInput): Certificate {
  const eta = requirePositive('eta', input.eta);
  requirePositive('gamma', input.gamma);
  const delta = requireNonNegative('delta', input.delta);
  const mu = requireNonNegative('mu', input.mu);
  const beta = requirePositive('beta', input.beta);
  const tolerance = requireNonNegative('tolerance', input.tolerance ?? 1e-5);
  const losses = toPoints<LossPoint>(input.losses, (p) => p.loss);
  const atZero = losses.find((p) => p.step === 0)?.value;
  if (input.initialLoss === undefined && (atZero === undefined || atZero === null)) {
    throw new InvalidOptionError(
      'losses must include step 0 (L_0), or initialLoss must be given: the envelope starts from L_0',
    );
  }
  const initialLoss = requireNonNegative('initialLoss', input.initialLoss ?? atZero);
  const distances = toPoints<DistancePoint>(input.distances, (p) => p.distance);
  const checks = [
    etaCheck(eta, beta),
    stepSizeCheck(input.steps, eta, delta, tolerance),
    envelopeCheck(losses, initialLoss, eta, delta, mu, tolerance),
    ballCheck(distances, initialLoss, eta, delta, mu, beta),
  ];
  if (input.muTrajectory !== undefined) {
    checks.push(
      plStarCheck(
        toPoints<MuPoint>(input.muTrajectory, (p) => p.mu),
        mu,
        tolerance,
      ),
    );
  }
  const deltaMu = delta * mu;
  return {
    held: checks.every((c) => c.held),
    checks,
    rate: deltaMu > 0 ? 1 - eta * deltaMu : null,
    radius: deltaMu > 0 ? (2 * Math.sqrt((2 * initialLoss) / eta)) / deltaMu : null,
    lossConvention: input.lossConvention ?? null,
  };
}
