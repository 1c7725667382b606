import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeValue } from '@deltaclip/utils';
import * as v from 'valibot';
import { flag, type OptionSchema, oneOf, seed, text } from './option-schemas.js';
import { didYouMean } from './suggest.js';

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** How a flag's text becomes a value: numbers are parsed from text once, here, for both kinds. */
export type OptionType = 'string' | 'boolean' | 'number' | 'integer';

interface OptionBase {
  /** kebab-case flag name without dashes. */
  readonly name: string;
  readonly description: string;
  readonly short?: string;
  /** Shown in help as `--name <valueName>`. */
  readonly valueName?: string;
  readonly default?: string | number | boolean;
  /** Names to suggest from when a value is not one of them (did you mean). */
  readonly choices?: readonly string[];
}

/**
 * One option. `schema` says what a value must be, for flags and config files alike
 * (option-schemas.ts); strings and booleans default to "any string" / "true or false", numeric
 * options must state their range.
 */
export type OptionDef = OptionBase &
  (
    | { readonly type: 'string' | 'boolean'; readonly schema?: OptionSchema }
    | { readonly type: 'number' | 'integer'; readonly schema: OptionSchema }
  );

export interface CommandDef {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments, for help. A command without them rejects stray arguments. */
  readonly positionals?: readonly { readonly name: string; readonly description: string }[];
  readonly options: readonly OptionDef[];
  readonly examples: readonly string[];
  /** Extra paragraphs for --help. */
  readonly notes?: readonly string[];
}

/** Backend names the CLI accepts; checked here so a typo fails before any worker starts. */
export const BACKEND_CHOICES = ['auto', 'cpu', 'wasm', 'node', 'node-gpu'] as const;

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionDef[] = [
  {
    name: 'backend',
    type: 'string',
    valueName: 'name',
    default: 'auto',
    description: 'where the math runs: auto, cpu, wasm, node, node-gpu',
    schema: oneOf(BACKEND_CHOICES),
    choices: BACKEND_CHOICES,
  },
  {
    name: 'seed',
    type: 'integer',
    valueName: 'n',
    default: 0,
    description: 'seed of data order, splits and initialization',
    schema: seed(),
  },
  {
    name: 'json',
    type: 'boolean',
    description: 'print machine-readable JSON on stdout instead of text',
  },
  {
    name: 'config',
    type: 'string',
    valueName: 'file',
    description: 'JSON file with any of these options (flags win over it)',
  },
  {
    name: 'debug',
    type: 'boolean',
    description: 'on an internal error, print the stack trace',
  },
  { name: 'help', type: 'boolean', short: 'h', description: 'show this help' },
];

/** Options that only make sense on the command line, never inside a --config file. */
const FLAG_ONLY = new Set(['config', 'help', 'debug']);

export type Values = Record<string, string | number | boolean | undefined>;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function schemaOf(def: OptionDef): OptionSchema {
  return def.schema ?? (def.type === 'boolean' ? flag() : text());
}

/** The text of a number as people write it: `5`, `-5`, `0.5`, `.5`, `1e-3`. Nothing else. */
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A flag's text as a value. Text that is not a number stays text, so the schema reports it as
 * it was typed (`--epochs must be an integer >= 1 (got "many")`).
 */
function fromText(def: OptionDef, raw: string): string | number {
  if ((def.type === 'number' || def.type === 'integer') && NUMBER_TEXT.test(raw.trim())) {
    return Number(raw);
  }
  return raw;
}

/** `label must be ... (got value)` from the first issue of a failed parse. */
function issueMessage(label: string, def: OptionDef, issue: v.BaseIssue<unknown>): string {
  const got = issue.input;
  const base = `${label} ${issue.message} (got ${describeValue(got)})`;
  const hint = def.choices && typeof got === 'string' ? didYouMean(got, def.choices) : '';
  return hint ? `${base}.${hint}` : base;
}

function validate(def: OptionDef, value: unknown, label: string): string | number | boolean {
  const result = v.safeParse(schemaOf(def), value, { abortEarly: true });
  if (!result.success) throw new UsageError(issueMessage(label, def, result.issues[0]));
  return result.output as string | number | boolean;
}

/** Flags from argv: known names only, values where they belong, negative numbers as numbers. */
function parseFlags(
  def: CommandDef,
  options: readonly OptionDef[],
  argv: readonly string[],
): { flags: Values; positionals: string[] } {
  const help = `Run 'deltaclip ${def.name} --help' for the options.`;
  // Lenient tokenizing, strict checking below: Node's strict mode rejects `--epochs -5` with its
  // own text and has no way to suggest a near option name.
  const { tokens } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(
      options.map((o) => [
        o.name,
        {
          type: o.type === 'boolean' ? 'boolean' : 'string',
          ...(o.short ? { short: o.short } : {}),
        },
      ]),
    ),
  });
  const flags: Values = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const o = options.find((x) => x.name === token.name);
    if (o === undefined) {
      const names = options.map((x) => x.name);
      throw new UsageError(
        `Unknown option '${token.rawName}'.${didYouMean(token.name, names, '--')} ${help}`,
      );
    }
    const flagName = `--${o.name}`;
    if (o.type === 'boolean') {
      if (token.value !== undefined) {
        throw new UsageError(`${flagName} takes no value (got ${describeValue(token.value)})`);
      }
      flags[o.name] = true;
      continue;
    }
    const raw = token.value;
    if (raw === undefined) {
      throw new UsageError(`${flagName} needs a value: --${o.name} <${o.valueName ?? o.type}>`);
    }
    // `--out --json` is a forgotten value, `--lr -0.5` a negative number.
    if (!token.inlineValue && raw.startsWith('-') && !NUMBER_TEXT.test(raw)) {
      throw new UsageError(
        `${flagName} needs a value (got the option '${raw}'); for a value that starts with '-', write ${flagName}=${raw}`,
      );
    }
    flags[o.name] = validate(o, fromText(o, raw), flagName);
  }
  if (!def.positionals?.length && positionals.length > 0) {
    throw new UsageError(
      `'deltaclip ${def.name}' takes no arguments (got ${positionals.map((p) => `'${p}'`).join(' ')}). ${help}`,
    );
  }
  return { flags, positionals };
}

/** The options of a --config file, by the same schemas as flags, with no coercion of types. */
function readConfig(path: string, options: readonly OptionDef[]): Values {
  const where = `--config ${path}:`;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason = e.code ? `cannot read it (${e.code})` : e.message;
    throw new UsageError(`${where} ${reason}`);
  }
  return checkOptionValues(data, options, where);
}

/**
 * An object of option values (camelCase or kebab-case keys), checked by the same schemas as flags
 * with no coercion of types: --config files, sweep files and queued sweep jobs all go through it.
 * `where` starts every error message (`--config x.json:`).
 */
export function checkOptionValues(
  data: unknown,
  options: readonly OptionDef[],
  where: string,
): Values {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`${where} expected a JSON object of options (got ${describeValue(data)})`);
  }
  const allowed = options.filter((o) => !FLAG_ONLY.has(o.name));
  const names = allowed.map((o) => o.name);
  const byName = new Map(allowed.map((o) => [o.name, o]));
  const normalized: Record<string, unknown> = {};
  const spelled = new Map<string, string>();
  for (const [key, value] of Object.entries(data)) {
    const name = kebab(key);
    if (spelled.has(name)) {
      throw new UsageError(`${where} '${spelled.get(name)}' and '${key}' are the same option`);
    }
    spelled.set(name, key);
    normalized[name] = value;
  }
  const schema = v.strictObject(
    Object.fromEntries(allowed.map((o) => [o.name, v.optional(schemaOf(o))])),
  );
  const result = v.safeParse(schema, normalized, { abortEarly: true });
  if (!result.success) {
    const issue = result.issues[0];
    const name = String(issue.path?.[0]?.key ?? '');
    const key = spelled.get(name) ?? name;
    const def = byName.get(name);
    if (def === undefined) {
      throw new UsageError(
        `${where} unknown option '${key}'.${didYouMean(name, names)} Options: ${names.join(', ')}`,
      );
    }
    throw new UsageError(`${where} ${issueMessage(key, def, issue)}`);
  }
  return result.output as Values;
}

/**
 * Parse a command's arguments: flags, then a `--config` JSON file underneath them, then defaults.
 * Both sources go through the same schemas; values are keyed by kebab-case name and typed. Every
 * check happens here, before the command prints or starts anything. `given` names the options set
 * by a flag or the config file (not by a default).
 */
export function parseCommand(
  def: CommandDef,
  argv: readonly string[],
): { values: Values; positionals: string[]; given: ReadonlySet<string> } {
  const options = [...def.options, ...GLOBAL_OPTIONS];
  const { flags, positionals } = parseFlags(def, options, argv);
  const fromConfig = typeof flags.config === 'string' ? readConfig(flags.config, options) : {};
  const values: Values = {};
  // What the user set (flag or config file), apart from defaults: a resume must tell them apart.
  const given = new Set<string>();
  for (const o of options) {
    const set = flags[o.name] ?? fromConfig[o.name];
    if (set !== undefined) given.add(o.name);
    values[o.name] = set ?? o.default;
  }
  return { values, positionals, given };
}

/** The --help text of a command. */
export function helpText(def: CommandDef): string {
  const options = [...def.options, ...GLOBAL_OPTIONS];
  const label = (o: OptionDef) =>
    `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'boolean' ? '' : ` <${o.valueName ?? o.type}>`}`;
  const width = Math.max(...options.map((o) => label(o).length)) + 2;
  const positional = (def.positionals ?? []).map((p) => ` <${p.name}>`).join('');
  const lines = [`deltaclip ${def.name}${positional} [options]`, '', def.summary, ''];
  if (def.positionals?.length) {
    lines.push('Arguments:');
    for (const p of def.positionals) lines.push(`  <${p.name}>  ${p.description}`);
    lines.push('');
  }
  lines.push('Options:');
  for (const o of options) {
    const dflt = o.default === undefined ? '' : ` (default: ${o.default})`;
    lines.push(`  ${label(o).padEnd(width)}${o.description}${dflt}`);
  }
  if (def.notes?.length) lines.push('', ...def.notes);
  lines.push('', 'Examples:', ...def.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}
