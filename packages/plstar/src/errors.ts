import { DeltaclipError } from '@deltaclip/utils';

/**
 * Thrown when an exact (double-backprop) Hessian-vector product would go through an operation whose
 * second derivative tfjs-core 4.22 computes wrongly or not at all. `op` names the operation; use
 * `method: 'finite-difference'` instead.
 */
export class SecondOrderUnsupportedError extends DeltaclipError {
  override readonly name = 'SecondOrderUnsupportedError';
  readonly code = 'SECOND_ORDER_UNSUPPORTED';
  readonly op: string;

  constructor(op: string, why: string) {
    super(
      `Exact Hessian-vector products are not supported through '${op}': ${why}. ` +
        "Use hvp method 'finite-difference' (the default) for this model.",
    );
    this.op = op;
  }
}

/** Thrown when a monitor is asked to observe while its previous observation is still running. */
export class ConcurrentObservationError extends DeltaclipError {
  override readonly name = 'ConcurrentObservationError';
  readonly code = 'CONCURRENT_OBSERVATION';

  constructor(step: number, running: number) {
    super(
      `PL* monitor: observe(${step}) was called while observe(${running}) is still running. ` +
        'Await each observe() before the next training step: the analysis reads (and, for ' +
        'finite-difference Hessian-vector products, briefly perturbs) the weights.',
    );
  }
}

/** Thrown when a monitor is used after `dispose()` freed the weights it compares against. */
export class MonitorDisposedError extends DeltaclipError {
  override readonly name = 'MonitorDisposedError';
  readonly code = 'MONITOR_DISPOSED';

  constructor(step: number) {
    super(
      `PL* monitor: observe(${step}) was called after dispose(), which freed w_0. ` +
        'Create a new monitor with createPlStarMonitor() to keep analyzing.',
    );
  }
}

/**
 * Thrown when a saved model (model.json and its weight files) cannot be read: `file` names the
 * file at fault, the message says what is wrong with it and what to do.
 */
export class ModelFileError extends DeltaclipError {
  override readonly name = 'ModelFileError';
  readonly code = 'MODEL_FILE';
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}
