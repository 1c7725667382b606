/**
 * @deltaclip/datasets, Node entry (the `node` condition of the package's exports): the same API
 * as index.ts, with the bundled tables read from the installed vega-datasets package.
 * Path-based loaders live in `@deltaclip/datasets/node`.
 */

export { loadBundled, loadBundledTable, loadCars, loadPenguins } from './bundled/vega-node.js';
export * from './universal.js';
