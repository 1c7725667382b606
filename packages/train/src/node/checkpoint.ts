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
}

/**
 * Write a checkpoint into `dir` atomically: everything goes to a temporary folder that is fsynced
 * and renamed into place, then `latest.json` is replaced by rename. An interruption at any moment
 * leaves the previous checkpoint intact and `latest.json` pointing at a complete one.
 * Returns the folder of the new checkpoint.
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
    sha256: createHash('sha256').update(blob).digest('hex'),
  };
  const name = stepDirName(options.position.step);
  const tmp = join(dir, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  writeDurably(join(tmp, BLOB), blob);
  writeDurably(join(tmp, HEADER), `${JSON.stringify(header)}\n`);
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

/** Remove all but the newest `keep` complete checkpoints, and stale temporary folders. */
function prune(dir: string, keep: number): void {
  const entries = readdirSync(dir);
  const complete = entries.filter((e) => /^step-\d+$/.test(e)).sort();
  for (const old of complete.slice(0, Math.max(0, complete.length - keep))) {
    rmSync(join(dir, old), { recursive: true, force: true });
  }
  for (const e of entries) {
    if (e.startsWith('.step-') && !e.endsWith(`-${process.pid}`)) {
      rmSync(join(dir, e), { recursive: true, force: true });
    }
  }
}

export interface LoadedCheckpoint<Run, History> {
  readonly path: string;
  readonly header: CheckpointHeader<Run, History>;
  readonly tensors: StoredTensor[];
}

/**
 * Load the checkpoint a run directory's `latest.json` points at, or a checkpoint folder itself.
 * Verifies size and SHA-256 of the weights before returning anything.
 */
export function loadCheckpoint<Run = unknown, History = unknown>(
  path: string,
): LoadedCheckpoint<Run, History> {
  const where = resolve(path);
  if (!existsSync(where)) {
    throw new CheckpointError(`No checkpoint at ${where}: the path does not exist`);
  }
  let folder = where;
  if (statSync(where).isDirectory() && existsSync(join(where, LATEST))) {
    const latest = JSON.parse(readFileSync(join(where, LATEST), 'utf8')) as { checkpoint: string };
    folder = join(where, latest.checkpoint);
  } else if (!existsSync(join(where, HEADER))) {
    throw new CheckpointError(
      `No checkpoint at ${where}: expected ${LATEST} (a run's checkpoint directory) or ${HEADER} (one checkpoint)`,
    );
  }
  let header: CheckpointHeader<Run, History>;
  try {
    header = JSON.parse(readFileSync(join(folder, HEADER), 'utf8')) as CheckpointHeader<
      Run,
      History
    >;
  } catch (error) {
    throw new CheckpointError(`${join(folder, HEADER)} is unreadable: ${(error as Error).message}`);
  }
  const blob = new Uint8Array(readFileSync(join(folder, BLOB)));
  if (header.sha256 !== undefined) {
    const actual = createHash('sha256').update(blob).digest('hex');
    if (actual !== header.sha256) {
      throw new CheckpointError(
        `${join(folder, BLOB)} is corrupt: its SHA-256 is ${actual}, the header says ${header.sha256}`,
      );
    }
  }
  return { path: folder, header, tensors: unpackTensors(header, blob, folder) };
}
