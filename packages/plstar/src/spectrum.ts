import { InvalidOptionError } from '@deltaclip/utils';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Eigenvalues of a symmetric matrix and the numbers PL* analysis reads from them. */
export interface Spectrum {
  /** All eigenvalues, ascending. */
  readonly eigenvalues: readonly number[];
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /**
   * lambda_max / lambda_min; null when the matrix is singular up to float64 round-off
   * (lambda_min <= size * 2^-52 * lambda_max).
   */
  readonly conditionNumber: number | null;
}

/**
 * Spectrum of a symmetric size x size matrix (row-major float64), by ml-matrix's symmetric
 * eigenvalue decomposition (Householder tridiagonalization + QL, from JAMA): O(size^3).
 */
export function symmetricSpectrum(matrix: Float64Array, size: number): Spectrum {
  if (matrix.length !== size * size) {
    throw new InvalidOptionError(
      `matrix must hold size * size = ${size * size} values (got ${matrix.length})`,
    );
  }
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(size, size, matrix), {
    assumeSymmetric: true,
  });
  const eigenvalues = [...evd.realEigenvalues].sort((a, b) => a - b);
  const lambdaMin = eigenvalues[0]!;
  const lambdaMax = eigenvalues[eigenvalues.length - 1]!;
  return {
    eigenvalues,
    lambdaMin,
    lambdaMax,
    conditionNumber:
      lambdaMin > size * Number.EPSILON * Math.abs(lambdaMax) ? lambdaMax / lambdaMin : null,
  };
}
