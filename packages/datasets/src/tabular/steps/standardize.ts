/**
 * Step 8: standardization with statistics of the training split only (validation and test use the
 * same numbers); one-hot columns stay 0/1 and constant features keep std 1.
 */
import type { Dataset } from '../../dataset.js';

function fmtNum(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** Feature mean/std for the numeric columns (the first `numeric.length`), identity for one-hot ones. */
export function featureStandardization(
  train: Dataset,
  numeric: readonly string[],
  hasCategorical: boolean,
): { normalization: { mean: number[]; std: number[] }; note: string | undefined } {
  const stats = train.featureStatistics();
  const width = stats.mean.length;
  const mean = Array.from({ length: width }, () => 0);
  const std = Array.from({ length: width }, () => 1);
  const constant: string[] = [];
  numeric.forEach((c, j) => {
    mean[j] = stats.mean[j]!;
    const s = stats.std[j]!;
    if (s > 0) std[j] = s;
    else constant.push(c);
  });
  const note =
    numeric.length === 0
      ? undefined
      : `standardized ${numeric.length} numeric feature(s) with the mean and standard deviation of the training split (${train.size} rows)` +
        (hasCategorical ? '; one-hot columns left as 0/1' : '') +
        (constant.length > 0 ? `; constant in training (std 1 used): ${constant.join(', ')}` : '');
  return { normalization: { mean, std }, note };
}

/** Target mean/std of the training split and how to read predictions in original units. */
export function targetStandardization(
  train: Dataset,
  target: string,
): { normalization: { mean: number; std: number }; note: string } {
  const stats = train.targetStatistics();
  const mean = stats.mean[0]!;
  const std = stats.std[0]! > 0 ? stats.std[0]! : 1;
  return {
    normalization: { mean, std },
    note: `standardized the target ${target} with the training split's mean ${fmtNum(mean)} and standard deviation ${fmtNum(std)}: a prediction p means p * ${fmtNum(std)} + ${fmtNum(mean)} in original units, and a mean squared error e means e * ${fmtNum(std * std)} in squared original units`,
  };
}
