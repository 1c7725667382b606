/**
 * Independent float64 references of deltaclip's update rules, written from the formulas (the
 * paper's for δ-GClip, tf.train's for momentum and Adam) in plain JavaScript: no tfjs, no code
 * shared with the implementation, so a conformance failure on a backend cannot be masked by the
 * same bug on both sides. The conformance suite builds one from an optimizer's
 * `{ className, config }` with {@link referenceFor}.
 */

/** A float64 optimizer: `step` updates `weights` in place from `grads` (aligned arrays). */
export interface ReferenceOptimizer {
  step(weights: Float64Array[], grads: readonly Float64Array[]): void;
}

/** The learning-rate multiplier of a schedule config at `step`, evaluated from its definition. */
export function referenceSchedule(config: unknown, step: number): number {
  if (config == null) return 1;
  const c = config as Record<string, unknown> & { kind: string };
  const list = (key: string) => c[key] as unknown[];
  switch (c.kind) {
    case 'constant':
      return c.value as number;
    case 'stepDecay': {
      const unit = c.unit === 'epoch' ? (c.stepsPerEpoch as number) : 1;
      const passed = (c.boundaries as number[]).filter((b) => step >= b * unit).length;
      return (c.factor as number) ** passed;
    }
    case 'cosine': {
      const t = Math.min(step, c.decaySteps as number) / (c.decaySteps as number);
      const alpha = c.alpha as number;
      return alpha + (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t));
    }
    case 'linearWarmup': {
      const start = c.start as number;
      const t = Math.min(step, c.warmupSteps as number) / (c.warmupSteps as number);
      return start + (1 - start) * t;
    }
    case 'join': {
      const bounds = list('boundaries') as number[];
      let i = 0;
      while (i < bounds.length && step >= bounds[i]!) i++;
      return referenceSchedule(list('schedules')[i], step - (i === 0 ? 0 : bounds[i - 1]!));
    }
    case 'product':
      return list('schedules').reduce<number>((p, s) => p * referenceSchedule(s, step), 1);
    default:
      throw new RangeError(`no float64 reference for schedule kind '${c.kind}'`);
  }
}

function norm(values: readonly Float64Array[]): number {
  let s = 0;
  for (const v of values) for (const x of v) s += x * x;
  return Math.sqrt(s);
}

/** The settings every ready-made optimizer shares (its getConfig()). */
interface DescentSettings {
  learningRate: number;
  weightDecay?: number;
  decoupledWeightDecay?: boolean;
  /** A schedule config (as in getConfig()), or the multiplier as a function of the step. */
  schedule?: unknown;
  clipNorm?: number | null;
}

/**
 * The descent skeleton shared by the references: a non-finite gradient skips the step (the
 * optimizers' default guard), optional clipping of the raw gradient, coupled decay before the
 * direction, decoupled decay after it, then w <- w - eta_t * u. `direction` returns per-tensor
 * updates (or null for "no step at all").
 */
function descentReference(
  o: DescentSettings,
  direction: (grads: Float64Array[], rawNorm: number) => Float64Array[] | null,
): ReferenceOptimizer {
  const lambda = o.weightDecay ?? 0;
  let t = 0;
  return {
    step(weights, rawGrads) {
      const step = t++;
      const rawNorm = norm(rawGrads);
      if (!Number.isFinite(rawNorm)) return;
      const clip = o.clipNorm == null ? 1 : Math.min(1, o.clipNorm / rawNorm);
      const grads = rawGrads.map((g, i) =>
        g.map((x, k) => x * clip + (o.decoupledWeightDecay ? 0 : lambda * weights[i]![k]!)),
      );
      const u = direction(grads, rawNorm);
      if (u === null) return;
      const eta =
        o.learningRate *
        (typeof o.schedule === 'function'
          ? (o.schedule as (t: number) => number)(step)
          : referenceSchedule(o.schedule, step));
      weights.forEach((w, i) => {
        for (let k = 0; k < w.length; k++) {
          const decay = o.decoupledWeightDecay ? lambda * w[k]! : 0;
          w[k] = w[k]! - eta * (u[i]![k]! + decay);
        }
      });
    },
  };
}

export interface DeltaGClipReferenceOptions extends DescentSettings {
  gamma: number;
  delta: number;
  /** Each tensor scaled by the norm of its own gradient (the per-tensor variant). */
  perTensor?: boolean;
}

/**
 * δ-GClip: s = min(1, max(delta, gamma / ||g||)) from the RAW gradient norm, u = s (g + lambda w)
 * (coupled) or s g (decoupled, the decay then added unscaled). A zero norm gives s = 0 (for the
 * whole gradient, or for that tensor in the per-tensor form): no step, coupled decay included.
 */
export function referenceDeltaGClip(o: DeltaGClipReferenceOptions): ReferenceOptimizer {
  let raw: readonly Float64Array[] = [];
  const inner = descentReference(o, (grads, rawNorm) => {
    return grads.map((g, i) => {
      const n = o.perTensor ? norm([raw[i]!]) : rawNorm;
      const s = n === 0 || !Number.isFinite(n) ? 0 : Math.min(1, Math.max(o.delta, o.gamma / n));
      return g.map((x) => s * x);
    });
  });
  return {
    step(weights, grads) {
      raw = grads;
      inner.step(weights, grads);
    },
  };
}

/** Gradient descent: u = g (+ lambda w). */
export function referenceSgd(o: DescentSettings): ReferenceOptimizer {
  return descentReference(o, (grads) => grads);
}

/** tf.train.momentum: a <- m a + g, u = a (or g + m a with Nesterov). */
export function referenceMomentum(
  o: DescentSettings & { momentum: number; nesterov: boolean },
): ReferenceOptimizer {
  let velocity: Float64Array[] | undefined;
  return descentReference(o, (grads) => {
    velocity ??= grads.map((g) => new Float64Array(g.length));
    return grads.map((g, i) => {
      const a = velocity![i]!;
      for (let k = 0; k < g.length; k++) a[k] = o.momentum * a[k]! + g[k]!;
      return g.map((x, k) => (o.nesterov ? x + o.momentum * a[k]! : a[k]!));
    });
  });
}

/** tf.train.adam: bias-corrected moments, u = m_hat / (sqrt(v_hat) + epsilon). */
export function referenceAdam(
  o: DescentSettings & { beta1: number; beta2: number; epsilon: number },
): ReferenceOptimizer {
  let m: Float64Array[] | undefined;
  let v: Float64Array[] | undefined;
  let t = 0;
  return descentReference(o, (grads) => {
    m ??= grads.map((g) => new Float64Array(g.length));
    v ??= grads.map((g) => new Float64Array(g.length));
    t += 1;
    return grads.map((g, i) => {
      const mi = m![i]!;
      const vi = v![i]!;
      return g.map((x, k) => {
        mi[k] = o.beta1 * mi[k]! + (1 - o.beta1) * x;
        vi[k] = o.beta2 * vi[k]! + (1 - o.beta2) * x * x;
        const mHat = mi[k]! / (1 - o.beta1 ** t);
        const vHat = vi[k]! / (1 - o.beta2 ** t);
        return mHat / (Math.sqrt(vHat) + o.epsilon);
      });
    });
  });
}

/**
 * The float64 reference of a deltaclip optimizer from its `{ className, config }` (the output of
 * `getClassName()` and `getConfig()`; the unprefixed names of earlier versions too), or undefined
 * for a class this module has no reference for.
 */
export function referenceFor(
  className: string,
  config: Record<string, unknown>,
): ReferenceOptimizer | undefined {
  const c = config as never;
  switch (className) {
    case 'deltaclip.DeltaGClip':
    case 'DeltaGClip':
      return referenceDeltaGClip(c);
    case 'deltaclip.GClip':
    case 'GClip':
      return referenceDeltaGClip({ ...(c as DeltaGClipReferenceOptions), delta: 0 });
    case 'deltaclip.DeltaGClipPerTensor':
    case 'DeltaGClipPerTensor':
      return referenceDeltaGClip({ ...(c as DeltaGClipReferenceOptions), perTensor: true });
    case 'deltaclip.SGD':
    case 'DeltaClipSGD':
      return referenceSgd(c);
    case 'deltaclip.Momentum':
    case 'DeltaClipMomentum':
      return referenceMomentum(c);
    case 'deltaclip.Adam':
    case 'DeltaClipAdam':
      return referenceAdam(c);
    default:
      return undefined;
  }
}

/**
 * Largest elementwise error relative to the scale of the reference tensor (its root mean square):
 * max_k |actual_k - expected_k| / rms(expected). Elementwise relative error is meaningless for
 * elements that cancel to near zero in float32, so the tensor's own scale is the yardstick.
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let sq = 0;
  for (let k = 0; k < expected.length; k++) sq += expected[k]! ** 2;
  const scale = Math.sqrt(sq / expected.length) || 1;
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const err = Math.abs(actual[k]! - expected[k]!) / scale;
    if (!(err <= worst)) worst = err;
  }
  return worst;
}
