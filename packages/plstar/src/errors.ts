/**
 * Thrown when an exact (double-backprop) Hessian-vector product would go through an operation whose
 * second derivative tfjs-core 4.22 computes wrongly or not at all. `op` names the operation; use
 * `method: 'finite-difference'` instead.
 */
export class SecondOrderUnsupportedError extends Error {
  readonly op: string;

  constructor(op: string, why: string) {
    super(
      `Exact Hessian-vector products are not supported through '${op}': ${why}. ` +
        "Use hvp method 'finite-difference' (the default) for this model.",
    );
    this.name = 'SecondOrderUnsupportedError';
    this.op = op;
  }
}

/** Thrown when a monitor is asked to observe while its previous observation is still running. */
export class ConcurrentObservationError extends Error {
  constructor(step: number, running: number) {
    super(
      `PL* monitor: observe(${step}) was called while observe(${running}) is still running. ` +
        'Await each observe() before the next training step: the analysis reads (and, for ' +
        'finite-difference Hessian-vector products, briefly perturbs) the weights.',
    );
    this.name = 'ConcurrentObservationError';
  }
}
