/**
 * gzip detection and decompression with the web-standard `DecompressionStream` (browsers, Node >= 18).
 * The Node entry uses node:zlib instead, which is faster. Both stop at the cap on decompressed
 * size (formats/limits.ts) while streaming, so a gzip bomb never fills memory.
 */
import { DatasetFormatError, DatasetTooLargeError } from '../errors.js';
import { DEFAULT_MAX_BYTES } from './limits.js';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The error for a gzip stream that cannot be decompressed. */
export function gzipError(file: string, cause: unknown): DatasetFormatError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DatasetFormatError({
    file,
    expected: 'a complete gzip stream',
    found: `one that is truncated or corrupt (${reason})`,
    hint: 'Download the file again; a partial download is the usual cause.',
  });
}

/**
 * Decompress gzip bytes with `DecompressionStream('gzip')`, at most `maxBytes` of output (default
 * 1 GiB); beyond it the stream is cancelled and {@link DatasetTooLargeError} thrown.
 */
export async function gunzip(
  bytes: Uint8Array,
  file: string,
  maxBytes = DEFAULT_MAX_BYTES,
): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new Error(
      `${file} is gzip-compressed and this runtime has no DecompressionStream; decompress it first (gunzip) or use @deltaclip/datasets/node.`,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'))
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new DatasetTooLargeError(file, maxBytes, true);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (DatasetTooLargeError.is(e)) throw e;
    throw gzipError(file, e);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
