// node run-bundle.mjs BUNDLE SAVED_JSON: runs the bundle's `run` in a fresh process (a bundle
// carries its own tfjs, whose engine lives on globalThis) and prints its result as JSON.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, savedPath] = process.argv.slice(2);
const mod = await import(pathToFileURL(bundle).href);
const run = mod.run ?? mod.default.run;
const result = await run(JSON.parse(readFileSync(savedPath, 'utf8')));
process.stdout.write(`${JSON.stringify(result)}\n`);
