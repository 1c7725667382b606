import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DeltaclipError } from '@deltaclip/utils';

/** The lock file's name inside a run's checkpoint folder. */
export const LOCK_FILE = 'run.lock';

/** Another live process, or a process on another host, holds the run folder. */
export class RunLockedError extends DeltaclipError {
  override readonly name = 'RunLockedError';
  readonly code = 'RUN_LOCKED';
  constructor(
    message: string,
    readonly holderPid: number,
    /** The host the holder runs on (as `os.hostname()` names it there). */
    readonly holderHost?: string,
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

interface Holder {
  readonly pid: number;
  /** Absent in locks written before hosts were recorded: those are judged as this host's. */
  readonly host?: string;
}

function readHolder(path: string): Holder | null {
  try {
    const { pid, host } = JSON.parse(readFileSync(path, 'utf8')) as {
      pid?: unknown;
      host?: unknown;
    };
    if (!(typeof pid === 'number' && Number.isInteger(pid) && pid > 0)) return null;
    return typeof host === 'string' && host !== '' ? { pid, host } : { pid };
  } catch {
    return null;
  }
}

/** Create `path` holding `text` only if it does not exist, never visible half-written. */
function createExclusive(path: string, text: string): boolean {
  // A hard link of a complete temporary file is atomic (also on NFS, where O_EXCL was not always):
  // a reader never sees an empty lock that it would take for an unreadable one and take over.
  const temporary = `${path}.tmp-${hostname()}-${process.pid}`;
  writeFileSync(temporary, text);
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  // A file system without hard links: exclusive create, then write.
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Take the lock of a run folder: `run.lock` holds `{"pid": N, "host": H}`, created exclusively,
 * so of two processes exactly one wins, also on a folder several machines share. A lock of this
 * host whose PID no longer runs (a killed process) or that is unreadable is taken over, with
 * `onNotice` told. A lock of a live process is a RunLockedError naming its PID and host; so is
 * every lock from another host, whose PID means nothing here (it is never judged stale). The
 * lock is released on `release()`, on exit and on SIGINT.
 */
export function acquireRunLock(
  dir: string,
  options: { onNotice?: (message: string) => void } = {},
): RunLock {
  const path = join(dir, LOCK_FILE);
  const host = hostname();
  const text = `${JSON.stringify({ pid: process.pid, host, since: new Date().toISOString() })}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createExclusive(path, text)) return holdLock(path);
    const holder = readHolder(path);
    if (holder !== null) {
      const held = `${dir} is in use: held by process ${holder.pid} on host ${holder.host ?? host} (lock file ${path})`;
      if (holder.host !== undefined && holder.host !== host) {
        throw new RunLockedError(
          `${held}; a lock from another host is never taken over, as its process cannot be checked from here: wait for that run to finish, or delete the lock file if that process is gone`,
          holder.pid,
          holder.host,
        );
      }
      if (holder.pid !== process.pid && alive(holder.pid)) {
        throw new RunLockedError(
          `${held}: wait for it to finish or stop it first`,
          holder.pid,
          host,
        );
      }
    }
    if (holder?.pid !== process.pid) {
      options.onNotice?.(
        holder === null
          ? `Taking over the unreadable lock ${path}`
          : `Taking over the stale lock ${path} of process ${holder.pid}, which no longer runs`,
      );
    }
    rmSync(path, { force: true });
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
    const holder = readHolder(path);
    if (holder?.pid === process.pid && (holder.host ?? hostname()) === hostname()) {
      rmSync(path, { force: true });
    }
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
