/**
 * Inputs that work in browsers and in Node: bytes already in memory, a Blob or File (an upload),
 * or a URL the caller chose (fetched; this package never fetches on its own). Node paths are
 * handled by the `@deltaclip/datasets/node` entry.
 */
import { DatasetTooLargeError } from '../errors.js';
import { gunzip, isGzip } from './gzip.js';
import { maxBytesOf, type ReadLimits } from './limits.js';

/** Binary input: bytes, a Blob/File, or a URL to fetch. */
export type BinarySource = ArrayBuffer | ArrayBufferView | Blob | URL;

/** Text input: a string of file content, a Blob/File, or a URL to fetch. */
export type TextSource = string | Blob | URL;

/** The name errors use for a source: the file or URL name, or the given label. */
export function sourceName(source: BinarySource | TextSource, label?: string): string {
  if (label !== undefined) return label;
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as Blob & { name?: unknown }).name;
    return typeof name === 'string' && name.length > 0 ? name : '<blob>';
  }
  if (source instanceof URL) return source.href;
  if (typeof source === 'string') return '<text>';
  return '<bytes>';
}

/**
 * View any binary source as bytes (no copy for ArrayBuffer and typed-array inputs). Not exported:
 * it has no size cap, so every caller goes through readContent.
 */
async function readBytes(source: BinarySource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  if (source instanceof URL) {
    const response = await fetch(source);
    if (!response.ok) {
      throw new Error(
        `Fetching ${source.href} failed: HTTP ${response.status} ${response.statusText}`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  }
  return new Uint8Array(await source.arrayBuffer());
}

/**
 * The content of a binary source, gunzipped when it is gzip (detected from the bytes), under the
 * cap of `limits` (default 1 GiB): a Blob larger than the cap is refused before it is read, and
 * decompression stops as soon as its output passes the cap.
 */
export async function readContent(
  source: BinarySource,
  file: string,
  limits: ReadLimits = {},
): Promise<Uint8Array> {
  const maxBytes = maxBytesOf(limits);
  if (typeof Blob !== 'undefined' && source instanceof Blob && source.size > maxBytes) {
    throw new DatasetTooLargeError(file, maxBytes, false);
  }
  const bytes = await readBytes(source);
  return isGzip(bytes) ? gunzip(bytes, file, maxBytes) : bytes;
}
