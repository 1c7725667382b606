import type { DatasetSpec } from '@deltaclip/train';
import { loadDatasetNode } from '@deltaclip/train/node';
import type { RunSummary } from './summary.js';

/** Above this many training rows the all-pairs distance scan is skipped (it is O(n^2 d)). */
const MAX_ROWS = 4000;

/** The closest training inputs, against the typical distance between two inputs. Plain JSON. */
export interface InputSpacing {
  readonly rows: number;
  readonly features: number;
  readonly closest: number;
  readonly median: number;
  /** Pairs closer than 5% of the median distance. */
  readonly nearPairs: number;
}

/**
 * How close the training inputs come to each other. Two nearly equal rows give two nearly equal
 * rows of the Jacobian, so the tangent kernel's lambda_min (and the PL* mu it implies) is tiny.
 */
export async function inputSpacing(spec: DatasetSpec): Promise<InputSpacing | null> {
  if (spec.file !== undefined) return null;
  const { train } = await loadDatasetNode(spec);
  const rows = Math.min(train.size, spec.limit?.train ?? train.size);
  const d = train.featureShape.reduce((a, b) => a * b, 1);
  if (rows < 2 || rows > MAX_ROWS) return null;
  const { x } = train.toArrays();
  if (!(x instanceof Float32Array)) return null;
  const distances = new Float64Array((rows * (rows - 1)) / 2);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = i + 1; j < rows; j++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += (x[i * d + f]! - x[j * d + f]!) ** 2;
      distances[k++] = Math.sqrt(s);
    }
  }
  distances.sort();
  const median = distances[Math.floor(distances.length / 2)]!;
  let nearPairs = 0;
  while (nearPairs < distances.length && distances[nearPairs]! < 0.05 * median) nearPairs++;
  return { rows, features: d, closest: distances[0]!, median, nearPairs };
}

const g = (x: number) =>
  x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)
    ? x.toExponential(1)
    : Number(x.toPrecision(2)).toString();

/**
 * Why a certificate with a kernel-full mu is vacuous, in one line: the kernel's conditioning, and
 * (where measured) the closest pair of training inputs that causes it. Null when no such run.
 */
export function vacuousWhyLine(
  runs: readonly RunSummary[],
  spacing: InputSpacing | null,
): string | null {
  const r = runs.find(
    (x) =>
      x.certificate?.covered === true &&
      x.certificate.verdict === 'vacuous' &&
      x.certificate.muSource === 'kernel-full' &&
      x.plstar?.kernelSpectrum,
  );
  if (r === undefined) return null;
  const c = r.certificate as Extract<RunSummary['certificate'], { covered: true }>;
  const k = r.plstar!.kernelSpectrum!;
  const inputs = spacing
    ? `; the inputs explain it: ${spacing.rows} rows in ${spacing.features} features, the closest two ${g(spacing.closest)} apart (${g((100 * spacing.closest) / spacing.median)}% of the median pairwise distance ${g(spacing.median)}; ${spacing.nearPairs} pairs within 5%), and near-duplicate rows make nearly dependent Jacobian rows`
    : '';
  return `Why vacuous: the tangent kernel on every sample is ill-conditioned, lambda_min(K) = ${g(k.lambdaMin)} against lambda_max(K) = ${g(k.lambdaMax)} (condition number ${g(k.lambdaMax / k.lambdaMin)}), so mu/beta = ${g(c.mu / c.beta)} and the guarantee can only move L by a factor ${c.guaranteedRatio === null ? '-' : c.guaranteedRatio.toPrecision(4)} in ${c.finalStep} steps${inputs}.`;
}
