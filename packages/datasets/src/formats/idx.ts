/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
 * number `00 00 TT NN` (TT the element type, NN the number of dimensions), NN big-endian uint32
 * dimension sizes, then the elements, big-endian, row-major.
 */
import { formatShape } from '@deltaclip/utils';
import { DatasetFormatError } from '../errors.js';
import { isGzip } from './gzip.js';
import type { ReadLimits } from './limits.js';
import { type BinarySource, readContent, sourceName } from './source.js';

/** Element types of IDX files. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The type byte of the magic number for each element type. */
export const IDX_TYPE_CODES: Readonly<Record<IdxDtype, number>> = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};

const BYTES: Readonly<Record<IdxDtype, number>> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
};

type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file. */
export interface IdxArray {
  readonly dtype: IdxDtype;
  /** Dimension sizes from the header, e.g. `[60000, 28, 28]`. */
  readonly shape: readonly number[];
  /** Elements in row-major order (native endianness). For uint8 a view of the input bytes. */
  readonly data: IdxData;
}

/** What the caller requires of the file (checked against the header). */
export interface IdxExpectation {
  readonly dtype?: IdxDtype;
  readonly ndims?: number;
}

export interface ParseIdxOptions extends IdxExpectation {
  /** File name for error messages. */
  readonly file?: string;
}

function hex(bytes: Uint8Array, from: number, count: number): string {
  const parts: string[] = [];
  for (let i = from; i < Math.min(bytes.length, from + count); i++) {
    parts.push(bytes[i]!.toString(16).padStart(2, '0'));
  }
  return `0x${parts.join('')}`;
}

function magicFor(dtype: IdxDtype | undefined, ndims: number | undefined): string {
  const t = dtype ? IDX_TYPE_CODES[dtype].toString(16).padStart(2, '0') : 'TT';
  const n = ndims !== undefined ? ndims.toString(16).padStart(2, '0') : 'NN';
  return `0x0000${t}${n}`;
}

/**
 * Parse an uncompressed IDX file. Throws {@link DatasetFormatError} for a wrong magic number, an
 * unknown element type, a truncated header, or data that are shorter or longer than the header
 * says; never returns a shortened array. uint8 data are returned as a view of `bytes` (no copy).
 *
 * @example
 * const images = parseIdx(bytes, { file: 'train-images-idx3-ubyte', dtype: 'uint8', ndims: 3 });
 * images.shape; // [60000, 28, 28]
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const file = options.file ?? '<bytes>';
  const wanted = `an IDX magic number ${magicFor(options.dtype, options.ndims)} (00 00, type code, number of dimensions)`;
  if (bytes.length < 4) {
    throw new DatasetFormatError({
      file,
      offset: 0,
      expected: wanted,
      found: bytes.length === 0 ? 'an empty file' : `only ${bytes.length} byte(s)`,
    });
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetFormatError({
      file,
      offset: 0,
      expected: wanted,
      found: `${hex(bytes, 0, 4)}`,
      hint: isGzip(bytes)
        ? 'The file is gzip-compressed: use readIdx (or readIdxFile in Node), which decompresses it.'
        : 'This is not an IDX file.',
    });
  }
  const code = bytes[2]!;
  const dtype = (Object.keys(IDX_TYPE_CODES) as IdxDtype[]).find((d) => IDX_TYPE_CODES[d] === code);
  if (dtype === undefined) {
    throw new DatasetFormatError({
      file,
      offset: 2,
      expected: 'an IDX type code 0x08 (uint8), 0x09, 0x0b, 0x0c, 0x0d or 0x0e',
      found: `0x${code.toString(16).padStart(2, '0')}`,
    });
  }
  const ndims = bytes[3]!;
  if (
    (options.dtype !== undefined && dtype !== options.dtype) ||
    ndims === 0 ||
    (options.ndims !== undefined && ndims !== options.ndims)
  ) {
    throw new DatasetFormatError({
      file,
      offset: 0,
      expected:
        options.dtype !== undefined || options.ndims !== undefined
          ? `magic number ${magicFor(options.dtype, options.ndims)} (${options.dtype ?? 'any type'}, ${options.ndims ?? 'any number of'} dimension(s))`
          : 'at least one dimension',
      found: `${hex(bytes, 0, 4)} (${dtype}, ${ndims} dimension(s))`,
    });
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DatasetFormatError({
      file,
      offset: bytes.length,
      expected: `a ${headerBytes}-byte header (${ndims} big-endian uint32 dimension sizes after the magic number)`,
      found: `the file ending after ${bytes.length} bytes`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0) {
      // A zero size would give an empty dataset (or a RangeError deeper down), never useful data.
      throw new DatasetFormatError({
        file,
        offset: 4 + 4 * i,
        expected: `a size >= 1 for dimension ${i + 1} of ${ndims}`,
        found: '0 (an empty dimension)',
      });
    }
    shape.push(d);
    count *= d;
  }
  const size = BYTES[dtype];
  const dataBytes = count * size;
  const actual = bytes.length - headerBytes;
  if (actual !== dataBytes) {
    const described = `${shape.join(' x ')} ${dtype} = ${dataBytes} data bytes after the ${headerBytes}-byte header`;
    throw new DatasetFormatError({
      file,
      offset: actual < dataBytes ? bytes.length : headerBytes + dataBytes,
      expected: described,
      found:
        actual < dataBytes
          ? `${actual} data bytes (the file is truncated)`
          : `${actual - dataBytes} extra byte(s) after the data (header and file size disagree)`,
      hint: actual < dataBytes ? 'Download the file again.' : undefined,
    });
  }
  return { dtype, shape, data: readElements(bytes, view, headerBytes, count, dtype) };
}

function readElements(
  bytes: Uint8Array,
  view: DataView,
  at: number,
  count: number,
  dtype: IdxDtype,
): IdxData {
  switch (dtype) {
    case 'uint8':
      return bytes.subarray(at, at + count);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + at, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
  }
}

/**
 * Serialize an array as an IDX file (big-endian), e.g. to write fixtures or export data.
 */
export function encodeIdx(
  dtype: IdxDtype,
  shape: readonly number[],
  data: ArrayLike<number>,
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new RangeError(
      `data has ${data.length} elements but shape ${formatShape(shape)} needs ${count}`,
    );
  }
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * BYTES[dtype]);
  const view = new DataView(out.buffer);
  out[2] = IDX_TYPE_CODES[dtype];
  out[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  for (let i = 0; i < count; i++) {
    const v = data[i]!;
    switch (dtype) {
      case 'uint8':
        view.setUint8(header + i, v);
        break;
      case 'int8':
        view.setInt8(header + i, v);
        break;
      case 'int16':
        view.setInt16(header + 2 * i, v, false);
        break;
      case 'int32':
        view.setInt32(header + 4 * i, v, false);
        break;
      case 'float32':
        view.setFloat32(header + 4 * i, v, false);
        break;
      case 'float64':
        view.setFloat64(header + 8 * i, v, false);
        break;
    }
  }
  return out;
}

/**
 * Read an IDX file from bytes, a Blob/File or a URL, raw or gzip-compressed (detected from the
 * content, not the name).
 */
export async function readIdx(
  source: BinarySource,
  options: ParseIdxOptions & ReadLimits = {},
): Promise<IdxArray> {
  const file = sourceName(source, options.file);
  const bytes = await readContent(source, file, options);
  return parseIdx(bytes, { ...options, file });
}
