import { requireNonNegative } from '@deltaclip/utils';
import {
  type Certificate,
  type CertificateInput,
  type CertifiedMethod,
  certify,
} from './certificate.js';

/**
 * An optimizer as the convergence argument sees it. `family` is the update rule; a caller maps its
 * own names onto it (e.g. train's `{ className: 'DeltaGClip' }` -> `delta-gclip`).
 */
export interface OptimizerDescription {
  readonly family: 'gradient-descent' | 'delta-gclip' | 'gclip' | 'adam' | 'other';
  /** δ-GClip's delta (0 is GClip, >= 1 is gradient descent). */
  readonly delta?: number;
  /** How to name it in the explanation (default: the family). */
  readonly name?: string;
  /** Whether every step used the full batch (default true). */
  readonly fullBatch?: boolean;
  /** Whether eta was constant over the run (default true). */
  readonly constantLearningRate?: boolean;
}

/** An optimizer the argument does not cover, and why, in one line. Plain JSON. */
export interface NotCovered {
  readonly covered: false;
  readonly optimizer: string;
  readonly explanation: string;
}

export type Coverage =
  | { readonly covered: true; readonly method: CertifiedMethod; readonly note: string | null }
  | NotCovered;

/**
 * Whether the PL* convergence argument covers an optimizer, as the method to certify it with, or
 * an explanation of why not. The explanation is about the argument, not a verdict on the run: an
 * optimizer outside it may train perfectly well.
 */
export function certificateCoverage(o: OptimizerDescription): Coverage {
  const name = o.name ?? o.family;
  const notCovered = (explanation: string): NotCovered => ({
    covered: false,
    optimizer: name,
    explanation,
  });
  if (o.fullBatch === false) {
    return notCovered(
      `${name}: no certificate, because the argument is about full-batch steps on L and this run used mini-batches (their gradients are noisy estimates of grad L)`,
    );
  }
  if (o.constantLearningRate === false) {
    return notCovered(
      `${name}: no certificate, because the argument takes a constant eta and this run used a schedule (certify each constant-eta stretch separately)`,
    );
  }
  switch (o.family) {
    case 'gradient-descent':
      return { covered: true, method: 'gradient-descent', note: null };
    case 'delta-gclip': {
      const delta = requireNonNegative('delta', o.delta);
      if (delta >= 1) {
        return {
          covered: true,
          method: 'gradient-descent',
          note: `delta = ${delta} >= 1: every step is h = eta, plain gradient descent, certified as such`,
        };
      }
      if (delta > 0) return { covered: true, method: 'delta-gclip', note: null };
      return notCovered(gclipExplanation(name));
    }
    case 'gclip':
      return notCovered(gclipExplanation(name));
    case 'adam':
      return notCovered(
        `${name} is not covered: its per-coordinate, momentum-averaged steps are not a multiple h_t of grad L, so the descent-lemma argument behind the certificate does not apply (no rate, no certificate; not a judgement of the run)`,
      );
    default:
      return notCovered(
        `${name} is not covered: the PL* argument certifies full-batch gradient descent and δ-GClip (0 < delta < 1) only`,
      );
  }
}

function gclipExplanation(name: string): string {
  return `${name} has no floor on its step (delta = 0): h_t = eta min(1, gamma/||g_t||) can shrink without bound where gradients are large, so the PL* argument gives it no rate and no certificate (a limit of the argument, not a judgement of the run)`;
}

/**
 * Certify a run of any optimizer: a {@link Certificate} where the argument covers it (gradient
 * descent, δ-GClip), else the {@link NotCovered} explanation.
 */
export function certifyRun(
  optimizer: OptimizerDescription,
  input: Omit<CertificateInput, 'method'>,
): Certificate | NotCovered {
  const coverage = certificateCoverage(optimizer);
  if (!coverage.covered) return coverage;
  return certify({
    ...input,
    method: coverage.method,
    ...(coverage.method === 'delta-gclip'
      ? { delta: optimizer.delta }
      : { delta: Math.max(1, optimizer.delta ?? 1) }),
  });
}
