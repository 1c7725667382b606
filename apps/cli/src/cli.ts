#!/usr/bin/env node
/**
 * The deltaclip command line. Results go to stdout (text, or JSON with --json), notes and
 * progress to stderr. A user error prints one line and exits with 2; a failure inside a run
 * prints its message (and the stack with DELTACLIP_DEBUG=1) and exits with 1.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { type CommandDef, helpText, UsageError } from './args.js';
import { analyze, analyzeCommand } from './commands/analyze.js';
import { compare, compareCommand } from './commands/compare.js';
import { datasets, datasetsCommand } from './commands/datasets.js';
import { doctor, doctorCommand } from './commands/doctor.js';
import { reproduce, reproduceCommand } from './commands/reproduce.js';
import { train, trainCommand } from './commands/train.js';
import { createOutput, type Output } from './output.js';

type Handler = (argv: readonly string[], output: Output) => Promise<void>;

const COMMANDS: readonly [CommandDef, Handler][] = [
  [compareCommand, compare],
  [trainCommand, train],
  [analyzeCommand, analyze],
  [reproduceCommand, reproduce],
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
    "Every command takes --help, --backend, --seed, --json and --config <file>. 'deltaclip compare'",
    'with no options is the main job: SGD, Adam, GClip and δ-GClip on the bundled cars data.',
    '',
  ].join('\n');
}

function isUserError(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof RangeError || error instanceof TypeError)
    return true;
  const name = (error as { name?: string })?.name ?? '';
  return [
    'DatasetFormatError',
    'DatasetNotFoundError',
    'CheckpointError',
    'BackendUnavailableError',
    'WeightsMismatchError',
    'NonFiniteGradientError',
    'RangeError',
  ].includes(name);
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
    throw new UsageError(
      `Unknown command '${name}'. Commands: ${COMMANDS.map(([c]) => c.name).join(', ')}. Run 'deltaclip --help'.`,
    );
  }
  const [def, handler] = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpText(def));
    return 0;
  }
  await handler(rest, createOutput(rest.includes('--json')));
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    const user = isUserError(e);
    process.stderr.write(`deltaclip: ${user ? '' : 'error: '}${e.message}\n`);
    if (process.env.DELTACLIP_DEBUG === '1' && e.stack) process.stderr.write(`${e.stack}\n`);
    else if (!user) process.stderr.write('(set DELTACLIP_DEBUG=1 for the stack trace)\n');
    process.exit(user ? 2 : 1);
  },
);
