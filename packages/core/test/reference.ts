/**
 * An independent float64 reference of the update rules, written from the paper's formulas in
 * plain JavaScript (no tfjs), used to check the optimizers' numbers.
 */

export interface ReferenceOptions {
  learningRate: number;
  gamma: number;
  delta: number;
  weightDecay?: number;
  decoupledWeightDecay?: boolean;
  perTensor?: boolean;
  /** Learning-rate multiplier per step (default 1). */
  schedule?: (step: number) => number;
}

function norm(values: readonly Float64Array[]): number {
  let s = 0;
  for (const v of values) for (const x of v) s += x * x;
  return Math.sqrt(s);
}

/**
 * Apply `steps` of δ-GClip (global or per-tensor) to copies of `weights`.
 * A step whose gradient contains NaN/Infinity is skipped entirely; a zero gradient norm gives no
 * step (weight decay included) in the global form, and leaves that tensor unchanged (coupled
 * decay) in the per-tensor form.
 */
export function referenceDeltaGClip(
  weights: readonly Float64Array[],
  steps: readonly (readonly Float64Array[])[],
  o: ReferenceOptions,
): Float64Array[] {
  const w = weights.map((x) => Float64Array.from(x));
  const lambda = o.weightDecay ?? 0;
  steps.forEach((g, t) => {
    const eta = o.learningRate * (o.schedule?.(t) ?? 1);
    const total = norm(g);
    if (!Number.isFinite(total)) return;
    const scales = g.map((gi) => {
      const n = o.perTensor ? norm([gi]) : total;
      if (n === 0 || !Number.isFinite(n)) return 0;
      return Math.min(1, Math.max(o.delta, o.gamma / n));
    });
    w.forEach((wi, i) => {
      const s = scales[i]!;
      const gi = g[i]!;
      for (let k = 0; k < wi.length; k++) {
        wi[k] = o.decoupledWeightDecay
          ? wi[k]! - eta * (s * gi[k]! + lambda * wi[k]!)
          : wi[k]! - eta * s * (gi[k]! + lambda * wi[k]!);
      }
    });
  });
  return w;
}

/**
 * Largest elementwise error relative to the scale of the reference tensor (its root mean square):
 * max_k |actual_k - expected_k| / rms(expected). Elementwise relative error is meaningless for
 * elements that cancel to near zero in float32, so the tensor's own scale is the yardstick.
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let sq = 0;
  for (let k = 0; k < expected.length; k++) sq += expected[k]! ** 2;
  const scale = Math.sqrt(sq / expected.length);
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const err = Math.abs(actual[k]! - expected[k]!) / scale;
    if (!(err <= worst)) worst = err;
  }
  return worst;
}

/** Seeded uniform numbers in [-1, 1), rounded to float32 so tfjs and the reference see the same inputs. */
export function randomFloat32(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = Math.fround(s / 2 ** 31 - 1);
  }
  return out;
}

/** Scale a gradient (list of tensors) to a target global norm, rounding to float32. */
export function withNorm(g: readonly Float64Array[], target: number): Float64Array[] {
  const n = norm(g);
  return g.map((gi) => gi.map((x) => Math.fround((x * target) / n)));
}
