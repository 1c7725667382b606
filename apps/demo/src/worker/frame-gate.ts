/**
 * The page's frames come first: while the page draws a frame (its animation-frame callback, then
 * the browser's style, layout, paint and commit of that frame), the training worker waits between
 * two steps instead of holding a core.
 *
 * Why: on a machine with two cores the worker keeps one busy, and the operating system often puts
 * the page's main thread on that same core, where it gets half of it: frames of 10–25 ms of
 * main-thread CPU took 40–56 ms (Chromium traces of the playground on a 2-core machine). A frame
 * that waits for nothing stays under the 50-ms long-task mark. It costs training only the
 * frames' own time (about 7 a second while a race plays, about 11 ms each in those traces).
 *
 * One Int32 in a SharedArrayBuffer, so it needs a cross-origin isolated page (as WASM threads
 * do); elsewhere there is no gate and nothing changes. The worker's wait has a bound
 * ({@link MAX_WAIT_MS}), and after a wait that reached it the worker ignores the gate until it
 * sees it open, so a page that stops mid-frame costs training one such wait.
 */

/** Longest the worker waits for one frame. */
export const MAX_WAIT_MS = 50;

const OPEN = 0;
const DRAWING = 1;

/** The page's side: mark a frame's start and end. */
export class FrameGate {
  private readonly flag: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.flag = new Int32Array(buffer);
  }

  /** A frame begins: the worker stops at its next step. */
  begin(): void {
    Atomics.store(this.flag, 0, DRAWING);
  }

  /** The frame is done: the worker goes on. */
  end(): void {
    Atomics.store(this.flag, 0, OPEN);
    Atomics.notify(this.flag, 0);
  }

  /** Whether a frame is being drawn now. */
  get drawing(): boolean {
    return Atomics.load(this.flag, 0) === DRAWING;
  }
}

/** The worker's side: waits while the page draws, at most `maxMs` at a time. */
export class FrameWait {
  private readonly flag: Int32Array;
  /** Total ms waited so far. */
  waited = 0;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly now: () => number,
    private readonly maxMs = MAX_WAIT_MS,
  ) {
    this.flag = new Int32Array(buffer);
  }

  /**
   * A frame outlasted `maxMs` (a page blocked by a dialog, say): the gate is ignored until it has
   * been seen open again, so one stuck frame costs one wait, not one per step.
   */
  private stale = false;

  /** Returns at once when no frame is being drawn; otherwise when it ends (or after `maxMs`). */
  wait(): void {
    const drawing = Atomics.load(this.flag, 0) === DRAWING;
    if (this.stale) {
      if (!drawing) this.stale = false;
      return;
    }
    if (!drawing) return;
    const t0 = this.now();
    this.stale = Atomics.wait(this.flag, 0, DRAWING, this.maxMs) === 'timed-out';
    this.waited += this.now() - t0;
  }
}

/** Whether this context can share memory with a worker (cross-origin isolated). */
export function canGate(): boolean {
  return typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
}
