/**
 * A table from any text source — an uploaded File, a Blob, a string, a URL the caller chose — in
 * browsers and Node alike. The format comes from `format`, else from the file name's extension
 * (.json, .tsv/.tab, otherwise CSV).
 */
import type { ReadLimits } from '../formats/limits.js';
import { readContent, sourceName, type TextSource } from '../formats/source.js';
import { decodeText } from '../text/decode.js';
import { parseCsv } from './csv.js';
import { type Table, tableFromJson } from './table.js';

export interface ReadTableOptions extends ReadLimits {
  /** Name for errors (default: the File's name, the URL, or `<text>`). */
  readonly file?: string;
  readonly format?: 'csv' | 'tsv' | 'json';
}

/**
 * @example
 * // In a browser, from <input type="file">:
 * const table = await readTable(input.files[0]);
 * const { train, test, metadata } = tabularDataset(table, { name: 'upload', task: 'regression', target: 'y', missing: 'drop' });
 */
export async function readTable(
  source: TextSource,
  options: ReadTableOptions = {},
): Promise<Table> {
  const file = sourceName(source, options.file);
  // Blobs and URLs are decoded strictly (invalid UTF-8 is an error naming its byte offset), not
  // with Blob.text(), which replaces bad bytes with U+FFFD.
  const text =
    typeof source === 'string'
      ? source
      : decodeText(await readContent(source, file, options), file);
  const name = file.toLowerCase().replace(/\.gz$/, '');
  const format =
    options.format ??
    (name.endsWith('.json')
      ? 'json'
      : name.endsWith('.tsv') || name.endsWith('.tab')
        ? 'tsv'
        : 'csv');
  if (format === 'json') return tableFromJson(text, file);
  return parseCsv(text, format === 'tsv' ? { file, delimiter: '\t' } : { file });
}
