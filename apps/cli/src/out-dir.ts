/**
 * The folders commands write (`--out`): checked before anything runs, so a run's results never
 * die at the end on a folder that cannot be written, and nothing is left behind by a run that
 * failed before its first step.
 */
import { accessSync, constants, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { type OptionDef, UsageError } from './args.js';
import { integerAtLeast } from './option-schemas.js';

export const OVERWRITE_OPTION: OptionDef = {
  name: 'overwrite',
  type: 'boolean',
  description: 'write into an --out folder that already has files in it',
};

export const WORKERS_OPTION: OptionDef = {
  name: 'workers',
  type: 'integer',
  valueName: 'n',
  description: 'parallel worker processes (default: one per core, at most one per run)',
  schema: integerAtLeast(1),
};

export function outOption(description: string): OptionDef {
  return { name: 'out', type: 'string', valueName: 'dir', description };
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

/** `cannot write to --out X: <reason> (<CODE>); choose a writable folder`. */
export function cannotWrite(flag: string, dir: string, reason: string, code?: string): UsageError {
  return new UsageError(
    `cannot write to ${flag} ${dir}: ${reason}${code ? ` (${code})` : ''}; choose a writable folder`,
  );
}

/**
 * A file-system error on `dir` (or on a folder above it, which creating `dir` needs) as the
 * one-line message users get; any other error unchanged, so a missing data file is not reported
 * as an unwritable --out.
 */
export function writeErrorFor(flag: string, dir: string, error: unknown): unknown {
  const path = (error as NodeJS.ErrnoException)?.path;
  if (typeof path !== 'string') return error;
  const [a, b] = [resolve(path), resolve(dir)];
  const related = a === b || a.startsWith(`${b}${sep}`) || b.startsWith(`${a}${sep}`);
  return related ? describeFsError(flag, dir, error) : error;
}

function describeFsError(flag: string, dir: string, error: unknown): unknown {
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string') return error;
  if (e.code === 'ENOTDIR' || e.code === 'EEXIST') {
    const file = fileOnTheWay(dir);
    if (file !== undefined) return notAFolder(flag, dir, file);
  }
  return cannotWrite(flag, dir, REASONS[e.code] ?? e.message, e.code);
}

function notAFolder(flag: string, dir: string, file: string): UsageError {
  return resolve(file) === resolve(dir)
    ? cannotWrite(flag, dir, 'it is a file, not a folder')
    : cannotWrite(flag, dir, `${file} is a file, not a folder`, 'ENOTDIR');
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The nearest existing path at or above `dir`. */
function nearestExisting(dir: string): string {
  let path = resolve(dir);
  while (statOrUndefined(path) === undefined) {
    const parent = dirname(path);
    if (parent === path) break;
    path = parent;
  }
  return path;
}

/** A file at or above `dir` that stops it from being a folder, as the user wrote the path. */
function fileOnTheWay(dir: string): string | undefined {
  let path = dir;
  for (;;) {
    const s = statOrUndefined(path);
    if (s !== undefined) return s.isDirectory() ? undefined : path;
    const parent = dirname(path);
    if (parent === path) return undefined;
    path = parent;
  }
}

export interface OutDirPlan {
  readonly dir: string;
  /** The topmost folder this run will create (undefined when `dir` already exists). */
  readonly created: string | undefined;
  /** What was in `dir` before the run, to tell the run's own files from the user's. */
  readonly entriesBefore: ReadonlySet<string>;
}

/**
 * Check that `dir` can be written, without creating anything: an existing non-empty folder is
 * refused unless `overwrite`; a path through a file, or a folder the process may not write, is a
 * one-line error naming the folder and why.
 */
export function checkOutDir(
  dir: string,
  options: { flag?: string; overwrite?: boolean } = {},
): OutDirPlan {
  const flag = options.flag ?? '--out';
  try {
    const file = fileOnTheWay(dir);
    if (file !== undefined) throw notAFolder(flag, dir, file);
    const existing = nearestExisting(dir);
    const exists = existing === resolve(dir);
    const entries = exists ? readdirSync(dir) : [];
    if (entries.length > 0 && !options.overwrite) {
      throw new UsageError(
        `${flag} ${dir} already exists and is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): choose another folder, or pass --overwrite to write into it`,
      );
    }
    accessSync(existing, constants.W_OK);
    let created: string | undefined;
    if (!exists) {
      created = resolve(dir);
      while (dirname(created) !== existing) created = dirname(created);
    }
    return { dir, created, entriesBefore: new Set(entries) };
  } catch (error) {
    throw describeFsError(flag, dir, error);
  }
}

/**
 * Remove what a run that failed before its first step wrote: the folders it created, or in a
 * folder that was already there, only the entries that were not there before.
 */
export function removeRunLeftovers(plan: OutDirPlan): void {
  if (plan.created !== undefined) {
    rmSync(plan.created, { recursive: true, force: true });
    return;
  }
  let entries: string[];
  try {
    entries = readdirSync(plan.dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!plan.entriesBefore.has(entry)) {
      rmSync(resolve(plan.dir, entry), { recursive: true, force: true });
    }
  }
}
