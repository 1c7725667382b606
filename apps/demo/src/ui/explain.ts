/**
 * The certificate and the δ advisor of @deltaclip/plstar, in plain words for the page. The checks
 * themselves, their details and their numbers are plstar's; this adds what they mean for the run.
 */
import type { CertificateCheck } from '@deltaclip/plstar';
import { OPTIMIZER_LABELS } from '../state/settings.js';
import type { Analysis } from '../training/race.js';

/** A number with 3 significant digits. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

const CHECK_TITLES: Readonly<Record<CertificateCheck['name'], string>> = {
  'eta-below-inverse-beta': 'Step not too long for the curvature (η ≤ 1/β)',
  'step-sizes-in-range': 'Every step size h_t in [ηδ, η]',
  'loss-below-envelope': 'Loss below the guaranteed decay (1 − ηδμ)^t L₀',
  'loss-below-a-posteriori-envelope':
    'Loss below the decay its own steps guarantee (∏ (1 − 2h_sμ(1 − h_sβ/2)) L₀)',
  'iterates-in-ball': 'Weights stayed near their start (‖w_t − w₀‖ ≤ R)',
  'pl-star-along-run': 'PL* held with μ along the run (μ_t ≥ μ)',
};

export interface ExplainedCheck {
  readonly name: CertificateCheck['name'];
  readonly title: string;
  readonly held: boolean;
  readonly detail: string;
}

export interface Explanation {
  readonly id: Analysis['id'];
  /** One sentence: does the guarantee apply to this run, and why (not). */
  readonly headline: string;
  /**
   * The certificate's level (informative, vacuous or fails) and its plain sentence, as the CLI and
   * the report print them; null where there is no certificate (GClip: no floor).
   */
  readonly level: string | null;
  readonly held: boolean;
  readonly checks: readonly ExplainedCheck[];
  /** The δ advisor's words. */
  readonly advice: string;
  /** What the numbers are and where they come from. */
  readonly basis: string;
}

/** Explain one optimizer's certificate and δ advice. `batchSize` is the run's (the train size for full batch). */
export function explainAnalysis(a: Analysis, batchSize: number, trainSize: number): Explanation {
  const label = OPTIMIZER_LABELS[a.id];
  const failed = a.certificate.checks.filter((c) => !c.held);
  let headline: string;
  if (a.delta === 0) {
    headline = `${label} has no floor (δ = 0): the PL* argument gives it no convergence rate, whatever the losses do.`;
  } else if (a.certificate.held) {
    const contraction = a.certificate.rate === null ? null : 1 - a.certificate.rate;
    headline = `${label}: the convergence certificate holds at step ${a.step} — the loss decays at least like (1 − ηδμ)^t with ηδμ = ${fmt(contraction)}, and the weights stay within R = ${fmt(a.certificate.radius)} of their start.`;
  } else {
    headline = `${label}: the certificate does not hold at step ${a.step} (${failed.length} of ${a.certificate.checks.length} conditions failed: ${failed.map((c) => CHECK_TITLES[c.name].split(' (')[0]!.toLowerCase()).join('; ')}).`;
  }
  const stochastic =
    batchSize < trainSize
      ? ` The guarantee is for full-batch steps; this run uses batches of ${batchSize} of ${trainSize} samples, so its losses are noisier than the theory's (set batch size 0 for the full batch).`
      : '';
  const basis =
    `Measured along this run: μ = ${fmt(a.mu)} ${a.muSource === 'kernel-full' ? 'is the smallest 2c·λ_min(K) of the tangent kernel on every training sample (a PL* constant at each measured point)' : 'is the smallest μ_t = ‖∇L‖²/2L seen (a trajectory estimate, not a bound on a whole ball)'}, β = ${fmt(a.beta)} the largest top Hessian eigenvalue found by power iteration; η = ${fmt(a.eta)}, γ = ${fmt(a.gamma)}, δ = ${fmt(a.delta)}.` +
    stochastic;
  const level =
    a.delta === 0
      ? null
      : `Certificate level: ${a.certificate.verdict} — ${a.certificate.sentence}`;
  return {
    id: a.id,
    headline,
    level,
    held: a.certificate.held,
    checks: a.certificate.checks.map((c) => ({
      name: c.name,
      title: CHECK_TITLES[c.name],
      held: c.held,
      detail: c.detail,
    })),
    advice: a.advice.message,
    basis,
  };
}
