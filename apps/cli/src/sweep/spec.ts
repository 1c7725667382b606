/**
 * A sweep file (JSON or YAML): a base run and axes, expanded into the grid of runs.
 *
 *     name: lr-gamma
 *     base: { dataset: cars, model: 'mlp:hidden=64', epochs: 50, optimizer: 'delta-gclip:lr=1,gamma=0.1,delta=0.2' }
 *     axes:
 *       lr: [0.5, 1, 2]                                   # a list
 *       gamma: { from: 0.01, to: 1, steps: 3, scale: log } # a grid
 *       seed: { from: 0, to: 4 }                          # every integer in a range
 *
 * Base keys and option axes are the options of `deltaclip train` (same names, same checks);
 * `lr`, `gamma`, `delta`, ... axes set that key of the optimizer spec.
 */
import { readFileSync } from 'node:fs';
import type { RunSpec } from '@deltaclip/train';
import { describeValue } from '@deltaclip/utils';
import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { checkOptionValues, UsageError } from '../args.js';
import { didYouMean } from '../suggest.js';
import { RUN_OPTIONS, type RunOptions } from './run-options.js';

/** Optimizer-spec keys an axis may sweep, as the optimizer spec spells them. */
export const OPTIMIZER_AXES = [
  'lr',
  'gamma',
  'delta',
  'momentum',
  'beta1',
  'beta2',
  'epsilon',
  'wd',
  'clipNorm',
] as const;

export interface SweepAxis {
  readonly name: string;
  readonly values: readonly (string | number | boolean)[];
}

export interface SweepRun {
  readonly index: number;
  /** The axis values of this run, in axis order. */
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** `lr=0.5 seed=1`. */
  readonly label: string;
  /** The run as the CLI's option values (a sweep file's runs; {} where `spec` is given). */
  readonly options: RunOptions;
  /** The whole run, for plans built in the main process (compare, reproduce): jobs carry it. */
  readonly spec?: RunSpec;
}

export interface SweepSpec {
  readonly name: string;
  readonly base: RunOptions;
  readonly axes: readonly SweepAxis[];
}

/** A YAML/JSON number list, range or grid. */
const Scalar = v.union([v.string(), v.number(), v.boolean()]);
const Grid = v.strictObject({
  from: v.pipe(v.number(), v.finite()),
  to: v.pipe(v.number(), v.finite()),
  steps: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000))),
  scale: v.optional(v.picklist(['linear', 'log'])),
});
const FileSchema = v.strictObject({
  name: v.optional(v.pipe(v.string(), v.regex(/^[\w.-]{1,64}$/, 'letters, digits, . _ - only'))),
  base: v.optional(v.record(v.string(), v.unknown()), {}),
  axes: v.record(v.string(), v.union([v.pipe(v.array(Scalar), v.minLength(1)), Grid])),
});

/** The largest sweep one file may describe, so a typo in a grid cannot enqueue millions of jobs. */
export const MAX_RUNS = 10_000;

function gridValues(name: string, grid: v.InferOutput<typeof Grid>, where: string): number[] {
  const scale = grid.scale ?? 'linear';
  if (grid.steps === undefined) {
    if (!Number.isInteger(grid.from) || !Number.isInteger(grid.to) || grid.to < grid.from) {
      throw new UsageError(
        `${where} axis '${name}': {from, to} without steps is an integer range, from <= to (got from ${grid.from}, to ${grid.to}); add steps: n for a grid`,
      );
    }
    return Array.from({ length: grid.to - grid.from + 1 }, (_, i) => grid.from + i);
  }
  if (scale === 'log' && (grid.from <= 0 || grid.to <= 0)) {
    throw new UsageError(
      `${where} axis '${name}': a log grid needs from > 0 and to > 0 (got from ${grid.from}, to ${grid.to})`,
    );
  }
  const n = grid.steps;
  if (n === 1) return [grid.from];
  return Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    const x =
      scale === 'log'
        ? Math.exp(Math.log(grid.from) + t * (Math.log(grid.to) - Math.log(grid.from)))
        : grid.from + t * (grid.to - grid.from);
    // 12 significant digits: 0.1 stays 0.1 rather than 0.10000000000000002.
    return Number(x.toPrecision(12));
  });
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Parse and check a sweep file's text; `file` names it in errors. */
export function parseSweep(text: string, file: string): SweepSpec {
  const where = `${file}:`;
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new UsageError(
      `${where} not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const parsed = v.safeParse(FileSchema, data);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = (issue.path ?? []).map((p) => String(p.key)).join('.');
    throw new UsageError(
      `${where} ${path ? `${path}: ` : ''}${issue.message} (got ${describeValue(issue.input)}); a sweep file has name, base and axes`,
    );
  }
  const base = checkOptionValues(parsed.output.base, RUN_OPTIONS, `${where} base:`) as RunOptions;
  const optionNames = RUN_OPTIONS.map((o) => o.name);
  const axisNames: readonly string[] = [...optionNames, ...OPTIMIZER_AXES];
  const axes: SweepAxis[] = [];
  for (const [rawName, spec] of Object.entries(parsed.output.axes)) {
    const name = (OPTIMIZER_AXES as readonly string[]).includes(rawName) ? rawName : kebab(rawName);
    if (!axisNames.includes(name)) {
      throw new UsageError(
        `${where} unknown axis '${rawName}'.${didYouMean(name, axisNames)} Axes: ${axisNames.join(', ')}`,
      );
    }
    const values = Array.isArray(spec) ? spec : gridValues(rawName, spec, where);
    for (const value of values) {
      if (optionNames.includes(name)) {
        checkOptionValues({ [name]: value }, RUN_OPTIONS, `${where} axis`);
      } else if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new UsageError(
          `${where} axis '${rawName}' sets an optimizer key: its values must be numbers (got ${describeValue(value)})`,
        );
      }
    }
    axes.push({ name, values });
  }
  if (axes.length === 0) throw new UsageError(`${where} axes is empty: sweep at least one axis`);
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > MAX_RUNS) {
    throw new UsageError(
      `${where} ${count} runs is more than ${MAX_RUNS}: split the sweep into several files`,
    );
  }
  const name = parsed.output.name ?? file.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/i, '');
  return { name, base, axes };
}

export function readSweepFile(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read the sweep file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return parseSweep(text, path);
}

/** `delta-gclip:lr=1,gamma=0.1` with `lr` set to 0.5: keys replaced in place, new ones appended. */
export function withOptimizerKey(specText: string, key: string, value: number): string {
  const [name, params = ''] = specText.split(':', 2) as [string, string?];
  const same = (k: string) =>
    key === 'lr'
      ? ['lr', 'eta', 'learningRate'].includes(k)
      : key === 'wd'
        ? ['wd', 'weightDecay'].includes(k)
        : k === key;
  const parts = params
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  let found = false;
  const out = parts.map((p) => {
    const k = p.slice(0, Math.max(0, p.indexOf('='))).trim();
    if (!same(k)) return p;
    found = true;
    return `${k}=${value}`;
  });
  if (!found) out.push(`${key}=${value}`);
  return `${name.trim()}:${out.join(',')}`;
}

function formatValue(value: string | number | boolean): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : String(value);
}

/** Every run of the sweep: the cartesian product of the axes, the last axis varying fastest. */
export function expandSweep(sweep: SweepSpec): SweepRun[] {
  let combos: Record<string, string | number | boolean>[] = [{}];
  for (const axis of sweep.axes) {
    combos = combos.flatMap((c) => axis.values.map((value) => ({ ...c, [axis.name]: value })));
  }
  return combos.map((params, index) => {
    const options: Record<string, string | number | boolean> = { ...sweep.base };
    // Option axes first: an optimizer axis may replace the spec that lr/gamma axes then edit.
    for (const [name, value] of Object.entries(params)) {
      if (!(OPTIMIZER_AXES as readonly string[]).includes(name)) options[name] = value;
    }
    for (const [name, value] of Object.entries(params)) {
      if (!(OPTIMIZER_AXES as readonly string[]).includes(name)) continue;
      if (typeof options.optimizer !== 'string') {
        throw new UsageError(
          `axis '${name}' sets a key of the optimizer: give base.optimizer or an optimizer axis`,
        );
      }
      options.optimizer = withOptimizerKey(options.optimizer, name, value as number);
    }
    const label = Object.entries(params)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(' ');
    return { index, params, label, options };
  });
}
