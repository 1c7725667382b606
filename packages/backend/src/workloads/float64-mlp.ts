import { type MlpProblem, mlpActivation } from './mlp.js';
import type { DeltaGClipSettings } from './reference-training.js';

/**
 * δ-GClip training of the reference MLP in plain JavaScript float64, written from the paper's
 * update rule and the chain rule, with no tfjs involved: the independent reference that every
 * backend's loss curve is checked against.
 *
 *     loss = mean((f(x) - y)^2),   h_t = eta * min(1, max(delta, gamma / ||g_t||)),   w <- w - h_t g_t
 *
 * Returns the loss of each step's batch before the step (as `optimizer.minimize(f, true)` does).
 */
export function float64MlpLossCurve(
  problem: MlpProblem,
  settings: DeltaGClipSettings,
  steps: number,
): number[] {
  const { sizes, batchSize: n } = problem;
  const count = sizes.length - 1;
  const w = problem.layers.map((l) => Float64Array.from(l.w));
  const b = problem.layers.map((l) => Float64Array.from(l.b));
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const x = problem.xs[t % problem.xs.length]!;
    const y = problem.ys[t % problem.ys.length]!;
    // Forward: h[0] = x, h[i + 1] = act_i(h[i] W_i + b_i).
    const h: Float64Array[] = [Float64Array.from(x)];
    for (let i = 0; i < count; i++) {
      const [fanIn, fanOut] = [sizes[i]!, sizes[i + 1]!];
      const activation = mlpActivation(i, count);
      const out = new Float64Array(n * fanOut);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < fanOut; c++) {
          let z = b[i]![c]!;
          for (let k = 0; k < fanIn; k++) z += h[i]![r * fanIn + k]! * w[i]![k * fanOut + c]!;
          out[r * fanOut + c] =
            activation === 'tanh' ? Math.tanh(z) : activation === 'relu' ? Math.max(z, 0) : z;
        }
      }
      h.push(out);
    }
    const prediction = h[count]!;
    const m = prediction.length;
    let loss = 0;
    let dh = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      const e = prediction[j]! - y[j]!;
      loss += e * e;
      dh[j] = (2 * e) / m;
    }
    losses.push(loss / m);
    // Backward through each layer, last first.
    const gw: Float64Array[] = [];
    const gb: Float64Array[] = [];
    for (let i = count - 1; i >= 0; i--) {
      const [fanIn, fanOut] = [sizes[i]!, sizes[i + 1]!];
      const activation = mlpActivation(i, count);
      const out = h[i + 1]!;
      const dz = new Float64Array(n * fanOut);
      for (let j = 0; j < dz.length; j++) {
        const slope =
          activation === 'tanh'
            ? 1 - out[j]! * out[j]!
            : activation === 'relu'
              ? +(out[j]! > 0)
              : 1;
        dz[j] = dh[j]! * slope;
      }
      const dw = new Float64Array(fanIn * fanOut);
      const db = new Float64Array(fanOut);
      const dIn = new Float64Array(n * fanIn);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < fanOut; c++) {
          const d = dz[r * fanOut + c]!;
          db[c]! += d;
          for (let k = 0; k < fanIn; k++) {
            dw[k * fanOut + c]! += h[i]![r * fanIn + k]! * d;
            dIn[r * fanIn + k]! += d * w[i]![k * fanOut + c]!;
          }
        }
      }
      gw[i] = dw;
      gb[i] = db;
      dh = dIn;
    }
    // δ-GClip on the global norm of all gradients.
    let squares = 0;
    for (const g of [...gw, ...gb]) for (const v of g) squares += v * v;
    const norm = Math.sqrt(squares);
    const { learningRate: eta, gamma, delta } = settings;
    const stepSize = eta * Math.min(1, Math.max(delta, gamma / norm));
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < w[i]!.length; j++) w[i]![j]! -= stepSize * gw[i]![j]!;
      for (let j = 0; j < b[i]!.length; j++) b[i]![j]! -= stepSize * gb[i]![j]!;
    }
  }
  return losses;
}
