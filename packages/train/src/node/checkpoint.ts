import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  type CheckpointHeader,
  packTensors,
  type RunPosition,
  type StoredTensor,
  unpackTensors,
} from '../checkpoint-format.js';

const HEADER = 'checkpoint.json';
const BLOB = 'weights.bin';
const LATEST = 'latest.json';
/** Written last: the SHA-256 of every other file of the checkpoint. */
const MANIFEST = 'manifest.json';
const STEP_DIR = /^step-\d+$/;

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function writeDurably(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.byteLength) {
      written += writeSync(fd, bytes, written, bytes.byteLength - written);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the renames are still atomic.
  }
}

function stepDirName(step: number): string {
  return `step-${String(step).padStart(9, '0')}`;
}

export interface SaveCheckpointOptions<Run, History> {
  readonly position: RunPosition;
  readonly run: Run;
  readonly history: History;
  readonly tensors: readonly StoredTensor[];
  /** How many checkpoints to keep in the directory (default 2). */
  readonly keep?: number;
  /** Backend and checkpoint cadence, stored so a resume reuses them. */
  readonly runtime?: CheckpointHeader['runtime'];
}

/**
 * Write a checkpoint into `dir` atomically: everything goes to a temporary folder (weights, header,
 * then `manifest.json` with the SHA-256 of each) that is fsynced and renamed into place, then
 * `latest.json` is replaced by rename. An interruption at any moment leaves the previous checkpoint
 * intact and `latest.json` pointing at a complete one. Returns the folder of the new checkpoint.
 */
export function saveCheckpoint<Run, History>(
  dir: string,
  options: SaveCheckpointOptions<Run, History>,
): string {
  mkdirSync(dir, { recursive: true });
  const { manifest, blob } = packTensors(options.tensors);
  const header: CheckpointHeader<Run, History> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    position: options.position,
    run: options.run,
    history: options.history,
    tensors: manifest,
    blobBytes: blob.byteLength,
    ...(options.runtime ? { runtime: options.runtime } : {}),
  };
  const headerText = `${JSON.stringify(header)}\n`;
  const name = stepDirName(options.position.step);
  const tmp = join(dir, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  writeDurably(join(tmp, BLOB), blob);
  writeDurably(join(tmp, HEADER), headerText);
  writeDurably(
    join(tmp, MANIFEST),
    `${JSON.stringify({ files: { [HEADER]: sha256(headerText), [BLOB]: sha256(blob) } })}\n`,
  );
  fsyncDir(tmp);
  const final = join(dir, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  const latestTmp = join(dir, `.${LATEST}.tmp-${process.pid}`);
  writeDurably(latestTmp, `${JSON.stringify({ checkpoint: name, step: options.position.step })}\n`);
  renameSync(latestTmp, join(dir, LATEST));
  fsyncDir(dir);
  prune(dir, options.keep ?? 2);
  return final;
}

/** Remove all but the newest `keep` complete checkpoints. */
function prune(dir: string, keep: number): void {
  const complete = readdirSync(dir)
    .filter((e) => STEP_DIR.test(e))
    .sort();
  for (const old of complete.slice(0, Math.max(0, complete.length - keep))) {
    rmSync(join(dir, old), { recursive: true, force: true });
  }
}

/**
 * Remove the temporary files a killed writer left in `dir` (`.step-*.tmp-PID`,
 * `.latest.json.tmp-PID`). Call it while holding the run's lock: then no live writer owns them.
 * Returns the names removed.
 */
export function cleanStaleTemporaries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const stale = readdirSync(dir).filter((e) => /^\.(step-\d+|latest\.json)\.tmp-\d+$/.test(e));
  for (const e of stale) rmSync(join(dir, e), { recursive: true, force: true });
  return stale;
}

export interface LoadedCheckpoint<Run, History> {
  readonly path: string;
  readonly header: CheckpointHeader<Run, History>;
  readonly tensors: StoredTensor[];
  /** Damaged newer checkpoints skipped on the way to this one (one line each, naming the file). */
  readonly warnings: readonly string[];
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CheckpointError(`${path} is unreadable (${what}): ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError(
      text.trim() === '' ? `${path} is empty (${what})` : `${path} is not valid JSON (${what})`,
    );
  }
}

/** Load one checkpoint folder, checking every file against its manifest first. */
function loadFolder<Run, History>(folder: string): LoadedCheckpoint<Run, History> {
  const manifestPath = join(folder, MANIFEST);
  if (!existsSync(manifestPath)) {
    throw new CheckpointError(
      `${manifestPath} is missing: the checkpoint is incomplete or older than format version ${CHECKPOINT_VERSION}`,
    );
  }
  const manifest = readJson(manifestPath, 'checksum manifest') as {
    files?: Record<string, unknown>;
  };
  const files = manifest.files;
  if (typeof files !== 'object' || files === null || !files[HEADER] || !files[BLOB]) {
    throw new CheckpointError(`${manifestPath} does not list ${HEADER} and ${BLOB}`);
  }
  const contents: Record<string, Buffer> = {};
  for (const [file, expected] of Object.entries(files)) {
    const path = join(folder, file);
    if (file.includes('/') || file.includes('\\') || !existsSync(path)) {
      throw new CheckpointError(`${path} is missing (listed in ${MANIFEST})`);
    }
    const bytes = readFileSync(path);
    const actual = sha256(bytes);
    if (actual !== expected) {
      throw new CheckpointError(
        `${path} is corrupt: its SHA-256 is ${actual}, ${MANIFEST} says ${String(expected)}`,
      );
    }
    contents[file] = bytes;
  }
  let header: CheckpointHeader<Run, History>;
  try {
    header = JSON.parse(contents[HEADER]!.toString('utf8')) as CheckpointHeader<Run, History>;
  } catch {
    throw new CheckpointError(`${join(folder, HEADER)} is not valid JSON`);
  }
  const blob = new Uint8Array(contents[BLOB]!);
  return { path: folder, header, tensors: unpackTensors(header, blob, folder), warnings: [] };
}

/**
 * Load the newest valid checkpoint of a run directory (`latest.json` first, then the step folders
 * newest first), or a checkpoint folder itself. Every file is verified against the SHA-256s in
 * the checkpoint's manifest before anything is returned. A damaged newest checkpoint (or a
 * damaged `latest.json`) is skipped with a warning in `warnings`; when none is valid, a
 * CheckpointError names each damaged file.
 */
export function loadCheckpoint<Run = unknown, History = unknown>(
  path: string,
): LoadedCheckpoint<Run, History> {
  const where = resolve(path);
  if (!existsSync(where)) {
    throw new CheckpointError(`No checkpoint at ${where}: the path does not exist`);
  }
  if (!statSync(where).isDirectory() || existsSync(join(where, HEADER))) {
    if (!existsSync(join(where, HEADER))) {
      throw new CheckpointError(
        `No checkpoint at ${where}: expected ${LATEST} (a run's checkpoint directory) or ${HEADER} (one checkpoint)`,
      );
    }
    return loadFolder(where);
  }
  // Why latest.json could not be followed, if it could not.
  let latestProblem: string | undefined;
  let candidates = readdirSync(where)
    .filter((e) => STEP_DIR.test(e))
    .sort()
    .reverse();
  const latestPath = join(where, LATEST);
  if (existsSync(latestPath)) {
    try {
      const latest = readJson(latestPath, 'pointer to the newest checkpoint') as {
        checkpoint?: unknown;
      };
      const name = latest?.checkpoint;
      if (typeof name !== 'string' || !STEP_DIR.test(name)) {
        throw new CheckpointError(`${latestPath} names no checkpoint folder`);
      }
      candidates = [name, ...candidates.filter((c) => c !== name)];
    } catch (error) {
      if (!CheckpointError.is(error)) throw error;
      latestProblem = error.message;
    }
  } else if (candidates.length === 0) {
    throw new CheckpointError(
      `No checkpoint at ${where}: expected ${LATEST} (a run's checkpoint directory) or ${HEADER} (one checkpoint)`,
    );
  }
  const damaged: string[] = [];
  for (const name of candidates) {
    try {
      const loaded = loadFolder<Run, History>(join(where, name));
      const warnings = [
        ...(latestProblem === undefined
          ? []
          : [`${latestProblem}; using the newest valid checkpoint instead`]),
        ...damaged.map((d) => `skipped: ${d}`),
      ];
      return { ...loaded, warnings };
    } catch (error) {
      if (!CheckpointError.is(error)) throw error;
      damaged.push(error.message);
    }
  }
  throw new CheckpointError(
    `No valid checkpoint in ${where}: ${[...(latestProblem === undefined ? [] : [latestProblem]), ...damaged].join('; ') || 'no step folders'}`,
  );
}
