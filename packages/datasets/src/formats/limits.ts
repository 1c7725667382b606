/**
 * The cap on how many bytes a loader reads or decompresses from one file. Real datasets for this
 * package are far below it (CIFAR-10's training files are 150 MB together, Fashion-MNIST's 47 MB
 * decompressed); a gzip bomb (a few KiB that expand to terabytes) hits it while decompressing,
 * before the output is held in memory.
 */
import { requireInteger } from '@deltaclip/utils';

/** Default cap: 1 GiB per file, after decompression. */
export const DEFAULT_MAX_BYTES = 2 ** 30;

export interface ReadLimits {
  /**
   * At most this many bytes are read from one file, after decompression (default
   * {@link DEFAULT_MAX_BYTES}, 1 GiB). A file beyond it raises DatasetTooLargeError.
   */
  readonly maxBytes?: number;
}

/** The cap of a limits object, validated. */
export function maxBytesOf(limits: ReadLimits | undefined): number {
  return requireInteger('maxBytes', limits?.maxBytes ?? DEFAULT_MAX_BYTES, 1);
}
