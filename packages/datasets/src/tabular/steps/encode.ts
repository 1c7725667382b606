/** Step 5: the feature matrix (numeric columns, then one one-hot block per categorical column) and the targets. */

export interface EncodedFeatures {
  readonly x: Float32Array;
  readonly width: number;
  readonly featureNames: string[];
  /** Cells left to impute: view row, first matrix column, source column. */
  readonly missingCells: { row: number; col: number; column: string }[];
}

export function encodeFeatures(
  keep: readonly number[],
  numeric: readonly string[],
  categorical: readonly string[],
  categoryLists: readonly (readonly string[])[],
  numbers: Readonly<Record<string, Float64Array>>,
  strings: Readonly<Record<string, readonly (string | null)[]>>,
): EncodedFeatures {
  const featureNames = [
    ...numeric,
    ...categorical.flatMap((c, k) => categoryLists[k]!.map((v) => `${c}=${v}`)),
  ];
  const width = featureNames.length;
  const x = new Float32Array(keep.length * width);
  const missingCells: { row: number; col: number; column: string }[] = [];
  keep.forEach((r, i) => {
    numeric.forEach((c, j) => {
      const v = numbers[c]![r]!;
      if (Number.isNaN(v)) missingCells.push({ row: i, col: j, column: c });
      x[i * width + j] = v;
    });
    let offset = numeric.length;
    categorical.forEach((c, k) => {
      const list = categoryLists[k]!;
      const v = strings[c]![r];
      if (v === null || v === undefined) missingCells.push({ row: i, col: offset, column: c });
      else x[i * width + offset + list.indexOf(v)] = 1;
      offset += list.length;
    });
  });
  return { x, width, featureNames, missingCells };
}

/** Regression targets as float32; class labels as indices into `classes` (uint8 up to 256 classes). */
export function encodeTargets(
  keep: readonly number[],
  values: Float64Array | readonly (string | null)[],
  classes: readonly string[],
): Float32Array | Uint8Array | Int32Array {
  if (values instanceof Float64Array) return Float32Array.from(keep, (r) => values[r]!);
  const y = classes.length <= 256 ? new Uint8Array(keep.length) : new Int32Array(keep.length);
  const index = new Map(classes.map((c, i) => [c, i]));
  keep.forEach((r, i) => {
    y[i] = index.get(values[r]!)!;
  });
  return y;
}
