/**
 * A table from any text source — an uploaded File, a Blob, a string, a URL the caller chose — in
 * browsers and Node alike. The format comes from `format`, else from the file name's extension
 * (.json, .tsv/.tab, otherwise CSV).
 */
import { readText, sourceName, type TextSource } from '../formats/source.js';
import { parseCsv } from './csv.js';
import { type Table, tableFromJson } from './table.js';

export interface ReadTableOptions {
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
  const text = await readText(source);
  const name = file.toLowerCase();
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
