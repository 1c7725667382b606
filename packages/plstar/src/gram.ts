import { InvalidOptionError } from '@deltaclip/utils';
/**
 * The Gram matrix G = J J^T of float32 rows, accumulated in float64 on the host (numRows x numRows,
 * row-major). Cost: about numRows^2 / 2 * numParams multiply-adds. Rows are visited in 4x4 blocks
 * so that each value loaded feeds four products (about twice as fast as 2x2 blocks in V8); at the
 * ragged edge the last row is repeated, which recomputes and rewrites the same entries.
 */
export function gramMatrix(rows: Float32Array, numRows: number, numParams: number): Float64Array {
  if (rows.length !== numRows * numParams) {
    throw new InvalidOptionError(
      `rows must hold numRows * numParams = ${numRows * numParams} values (got ${rows.length})`,
    );
  }
  const g = new Float64Array(numRows * numRows);
  const p = numParams;
  const last = numRows - 1;
  const store = (i: number, j: number, value: number) => {
    g[i * numRows + j] = value;
    g[j * numRows + i] = value;
  };
  for (let a = 0; a < numRows; a += 4) {
    const a0 = a;
    const a1 = Math.min(a + 1, last);
    const a2 = Math.min(a + 2, last);
    const a3 = Math.min(a + 3, last);
    const oa0 = a0 * p;
    const oa1 = a1 * p;
    const oa2 = a2 * p;
    const oa3 = a3 * p;
    for (let b = a; b < numRows; b += 4) {
      const b0 = b;
      const b1 = Math.min(b + 1, last);
      const b2 = Math.min(b + 2, last);
      const b3 = Math.min(b + 3, last);
      const ob0 = b0 * p;
      const ob1 = b1 * p;
      const ob2 = b2 * p;
      const ob3 = b3 * p;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      let s30 = 0;
      let s31 = 0;
      let s32 = 0;
      let s33 = 0;
      for (let k = 0; k < p; k++) {
        const x0 = rows[oa0 + k]!;
        const x1 = rows[oa1 + k]!;
        const x2 = rows[oa2 + k]!;
        const x3 = rows[oa3 + k]!;
        const y0 = rows[ob0 + k]!;
        const y1 = rows[ob1 + k]!;
        const y2 = rows[ob2 + k]!;
        const y3 = rows[ob3 + k]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      store(a0, b0, s00);
      store(a0, b1, s01);
      store(a0, b2, s02);
      store(a0, b3, s03);
      store(a1, b0, s10);
      store(a1, b1, s11);
      store(a1, b2, s12);
      store(a1, b3, s13);
      store(a2, b0, s20);
      store(a2, b1, s21);
      store(a2, b2, s22);
      store(a2, b3, s23);
      store(a3, b0, s30);
      store(a3, b1, s31);
      store(a3, b2, s32);
      store(a3, b3, s33);
    }
  }
  return g;
}
