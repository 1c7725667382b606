/**
 * The checkpoint format, independent of where it is stored: a JSON header (run position, run
 * settings, history) and one binary blob with every tensor (model weights and optimizer state),
 * described by a manifest in the header. Browser-safe; src/node/checkpoint.ts writes it to disk.
 */

import { DeltaclipError } from '@deltaclip/utils';

export const CHECKPOINT_FORMAT = 'deltaclip-checkpoint';
/** 2: every file is covered by `manifest.json`'s SHA-256 list; runs name optimizers by className. */
export const CHECKPOINT_VERSION = 2;

/** Where a run stands: the position of the NEXT step to take. */
export interface RunPosition {
  /** Optimizer steps taken so far. */
  readonly step: number;
  /** 0-based epoch of the next step. */
  readonly epoch: number;
  /** 0-based batch within that epoch of the next step. */
  readonly batch: number;
}

export type TensorGroup = 'model' | 'optimizer';

export interface StoredTensor {
  readonly group: TensorGroup;
  readonly name: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array;
}

interface ManifestEntry {
  readonly group: TensorGroup;
  readonly name: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: readonly number[];
  /** Offset in bytes into the blob. */
  readonly offset: number;
  /** Number of elements. */
  readonly length: number;
}

export interface CheckpointHeader<Run = unknown, History = unknown> {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: typeof CHECKPOINT_VERSION;
  readonly createdAt: string;
  readonly position: RunPosition;
  /** The run's settings, enough to rebuild model, optimizer and data (JSON). */
  readonly run: Run;
  /** Metrics recorded so far, so a resumed run's history is complete (JSON). */
  readonly history: History;
  readonly tensors: readonly ManifestEntry[];
  /** Size of the blob in bytes, checked on load against truncation. */
  readonly blobBytes: number;
  /**
   * How the run was executed, reused on resume so that following the resume command stays
   * bit-exact: the backend's name and the checkpoint cadence.
   */
  readonly runtime?: { readonly backend?: string; readonly checkpointEvery?: number };
}

/** A checkpoint is missing, damaged, of another version or inconsistent; the message names the file. */
export class CheckpointError extends DeltaclipError {
  override readonly name = 'CheckpointError';
  readonly code = 'CHECKPOINT_INVALID';
}

/** Pack tensors into one blob (4-byte aligned) and describe them. */
export function packTensors(tensors: readonly StoredTensor[]): {
  manifest: ManifestEntry[];
  blob: Uint8Array;
} {
  let bytes = 0;
  const manifest = tensors.map((t) => {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.values.length) {
      throw new CheckpointError(
        `tensor '${t.name}' has shape [${t.shape}] (${size} values) but ${t.values.length} values`,
      );
    }
    const entry: ManifestEntry = {
      group: t.group,
      name: t.name,
      dtype: t.dtype,
      shape: [...t.shape],
      offset: bytes,
      length: t.values.length,
    };
    bytes += t.values.length * 4;
    return entry;
  });
  const blob = new Uint8Array(bytes);
  tensors.forEach((t, i) => {
    blob.set(
      new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength),
      manifest[i]!.offset,
    );
  });
  return { manifest, blob };
}

/** Unpack the tensors of a checkpoint, checking the header against the blob. */
export function unpackTensors(
  header: CheckpointHeader,
  blob: Uint8Array,
  where: string,
): StoredTensor[] {
  if (header.format !== CHECKPOINT_FORMAT || header.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `${where} is not a deltaclip checkpoint of version ${CHECKPOINT_VERSION} (format '${String(header.format)}', version ${String(header.version)})`,
    );
  }
  if (blob.byteLength !== header.blobBytes) {
    throw new CheckpointError(
      `${where}: the weights file has ${blob.byteLength} bytes, the header says ${header.blobBytes}: it is truncated or from another checkpoint`,
    );
  }
  // Copy into an aligned buffer once, then take typed views of it.
  const aligned = new Uint8Array(blob.byteLength);
  aligned.set(blob);
  return header.tensors.map((e) => {
    if (e.offset + e.length * 4 > aligned.byteLength) {
      throw new CheckpointError(`${where}: tensor '${e.name}' lies outside the weights file`);
    }
    const values =
      e.dtype === 'int32'
        ? new Int32Array(aligned.buffer, e.offset, e.length)
        : new Float32Array(aligned.buffer, e.offset, e.length);
    return { group: e.group, name: e.name, dtype: e.dtype, shape: e.shape, values };
  });
}
