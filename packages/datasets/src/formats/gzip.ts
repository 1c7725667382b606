/**
 * gzip detection and decompression with the web-standard `DecompressionStream` (browsers, Node >= 18).
 * The Node entry uses node:zlib instead, which is faster and synchronous.
 */
import { DatasetFormatError } from '../errors.js';

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

/** Decompress gzip bytes with `DecompressionStream('gzip')`. */
export async function gunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new Error(
      `${file} is gzip-compressed and this runtime has no DecompressionStream; decompress it first (gunzip) or use @deltaclip/datasets/node.`,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
  } catch (e) {
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
