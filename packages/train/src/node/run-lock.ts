import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DeltaclipError } from '@deltaclip/utils';

/** The lock file's name inside a run's checkpoint folder. */
export const LOCK_FILE = 'run.lock';

/** Another live process holds the run folder. */
export class RunLockedError extends DeltaclipError {
  override readonly name = 'RunLockedError';
  readonly code = 'RUN_LOCKED';
  constructor(
    message: string,
    readonly holderPid: number,
  ) {
    super(message);
  }
}

export interface RunLock {
  readonly path: string;
  /** Remove the lock (idempotent); also done on process exit and on SIGINT. */
  release(): void;
}

/** Whether a process with this PID exists (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): number | null {
  try {
    const pid = (JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Take the lock of a run folder: `run.lock` holds `{"pid": N}`, created exclusively (`wx`), so of
 * two processes exactly one wins. A lock whose PID no longer runs (a killed process) or that is
 * unreadable is taken over, with `onNotice` told. A lock of a live process is a RunLockedError
 * naming its PID. The lock is released on `release()`, on exit and on SIGINT.
 */
export function acquireRunLock(
  dir: string,
  options: { onNotice?: (message: string) => void } = {},
): RunLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder !== null && holder !== process.pid && alive(holder)) {
        throw new RunLockedError(
          `${dir} is in use by process ${holder} (lock file ${path}): wait for it to finish or stop it first`,
          holder,
        );
      }
      options.onNotice?.(
        holder === null
          ? `Taking over the unreadable lock ${path}`
          : `Taking over the stale lock ${path} of process ${holder}, which no longer runs`,
      );
      rmSync(path, { force: true });
      continue;
    }
    try {
      const text = `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`;
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return holdLock(path);
  }
  throw new RunLockedError(`${dir}: another process took the lock ${path} at the same time`, -1);
}

function holdLock(path: string): RunLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    process.off('SIGINT', onSigint);
    if (readHolder(path) === process.pid) rmSync(path, { force: true });
  };
  // Beside the app's own SIGINT handler (which may still write a checkpoint) the lock stays until
  // exit. Alone, this handler would swallow the signal: release, then re-raise it so the process
  // stops as it would have.
  const onSigint = () => {
    if (process.listenerCount('SIGINT') > 1) return;
    release();
    process.kill(process.pid, 'SIGINT');
  };
  process.on('exit', release);
  process.on('SIGINT', onSigint);
  return { path, release };
}
