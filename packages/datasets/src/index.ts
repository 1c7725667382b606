/**
 * @deltaclip/datasets — file-format loaders, bundled real tabular data, synthetic generators and
 * seeded shuffle/batch/split for TensorFlow.js. This is the browser (and default) entry: bundled
 * data come from an embedded copy of the vega-datasets files. Node resolves index.node.ts instead,
 * which reads the installed package; both export the same API.
 */

export { loadBundled, loadBundledTable, loadCars, loadPenguins } from './bundled/vega-browser.js';
export * from './universal.js';
