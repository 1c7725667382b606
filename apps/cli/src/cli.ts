#!/usr/bin/env node
/**
 * The deltaclip command line. Results go to stdout (text, or JSON with --json), notes and
 * progress to stderr. A user error prints one line and exits with 2; an internal error (a bug)
 * says so and exits with 1, with the stack trace under --debug (or DELTACLIP_DEBUG=1).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { type CommandDef, helpText, UsageError } from './args.js';
import { analyze, analyzeCommand } from './commands/analyze.js';
import { compare, compareCommand } from './commands/compare.js';
import { datasets, datasetsCommand } from './commands/datasets.js';
import { doctor, doctorCommand } from './commands/doctor.js';
import { reproduce, reproduceCommand } from './commands/reproduce.js';
import { sweep, sweepCommand } from './commands/sweep.js';
import { train, trainCommand } from './commands/train.js';
import { worker, workerCommand } from './commands/worker.js';
import { errorReport, injectedFault } from './errors.js';
import { createOutput, type Output } from './output.js';
import { didYouMean } from './suggest.js';

type Handler = (argv: readonly string[], output: Output) => Promise<void>;

const COMMANDS: readonly [CommandDef, Handler][] = [
  [compareCommand, compare],
  [trainCommand, train],
  [analyzeCommand, analyze],
  [reproduceCommand, reproduce],
  [sweepCommand, sweep],
  [workerCommand, worker],
  [doctorCommand, doctor],
  [datasetsCommand, datasets],
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map(([c]) => c.name.length)) + 2;
  return [
    `deltaclip ${version()} — provably convergent gradient clipping (δ-GClip) for TensorFlow.js`,
    '',
    'Usage: deltaclip <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map(([c]) => `  ${c.name.padEnd(width)}${c.summary.split(/(?<=\.)\s/)[0]}`),
    '',
    "Every command takes --help, --backend, --seed, --json, --debug and --config <file>. 'deltaclip compare'",
    'with no options is the main job: SGD, Adam, GClip and δ-GClip on the bundled cars data.',
    '',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  tf.enableProdMode(); // also silences tfjs's "install tfjs-node" banner
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const found = COMMANDS.find(([c]) => c.name === name);
  if (found === undefined) {
    const names = COMMANDS.map(([c]) => c.name);
    throw new UsageError(
      `Unknown command '${name}'.${didYouMean(name, names)} Commands: ${names.join(', ')}. Run 'deltaclip --help'.`,
    );
  }
  const [def, handler] = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpText(def));
    return 0;
  }
  injectedFault('main');
  await handler(rest, createOutput(rest.includes('--json')));
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Read before parsing succeeded, so --debug also works when the arguments are what failed.
    const debug = argv.includes('--debug') || process.env.DELTACLIP_DEBUG === '1';
    const { text, code } = errorReport(error, debug);
    process.stderr.write(text);
    process.exit(code);
  },
);
