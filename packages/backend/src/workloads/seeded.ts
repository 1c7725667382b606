/**
 * Deterministic numbers for the reference workloads: the same weights and data on every backend
 * and every run, from a 32-bit linear congruential generator (no tfjs random ops involved).
 */
export class Seeded {
  private state: number;

  constructor(seed: number) {
    this.state = (seed * 2654435761) >>> 0 || 1;
  }

  /** Uniform in [-1, 1). */
  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 2 ** 31 - 1;
  }

  /** `n` values uniform in [-scale, scale). */
  uniform(n: number, scale = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = scale * this.next();
    return out;
  }

  /** Glorot-uniform weights for a layer with the given fan-in and fan-out. */
  glorot(n: number, fanIn: number, fanOut: number): Float32Array {
    return this.uniform(n, Math.sqrt(6 / (fanIn + fanOut)));
  }

  /** `n` integers in [0, max). */
  integers(n: number, max: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++)
      out[i] = Math.min(max - 1, Math.floor(((this.next() + 1) / 2) * max));
    return out;
  }
}
