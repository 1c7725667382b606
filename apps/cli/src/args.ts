import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type OptionType = 'string' | 'boolean' | 'number' | 'integer';

export interface OptionDef {
  /** kebab-case flag name without dashes. */
  readonly name: string;
  readonly type: OptionType;
  readonly description: string;
  readonly short?: string;
  /** Shown in help as `--name <valueName>`. */
  readonly valueName?: string;
  readonly default?: string | number | boolean;
}

export interface CommandDef {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments, for help. */
  readonly positionals?: readonly { readonly name: string; readonly description: string }[];
  readonly options: readonly OptionDef[];
  readonly examples: readonly string[];
  /** Extra paragraphs for --help. */
  readonly notes?: readonly string[];
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionDef[] = [
  {
    name: 'backend',
    type: 'string',
    valueName: 'name',
    default: 'auto',
    description: 'where the math runs: auto, cpu, wasm, node, node-gpu',
  },
  {
    name: 'seed',
    type: 'integer',
    valueName: 'n',
    default: 0,
    description: 'seed of data order, splits and initialization',
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
  { name: 'help', type: 'boolean', short: 'h', description: 'show this help' },
];

export type Values = Record<string, string | number | boolean | undefined>;

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function convert(def: OptionDef, raw: unknown, where: string): string | number | boolean {
  const flag = `--${def.name}`;
  if (def.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    throw new UsageError(`${flag} ${where}must be true or false (got ${JSON.stringify(raw)})`);
  }
  if (def.type === 'string') {
    if (typeof raw === 'string' || typeof raw === 'number') return String(raw);
    throw new UsageError(`${flag} ${where}must be a string (got ${JSON.stringify(raw)})`);
  }
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (raw === '' || !Number.isFinite(value)) {
    throw new UsageError(`${flag} ${where}must be a number (got ${JSON.stringify(raw)})`);
  }
  if (def.type === 'integer' && !Number.isInteger(value)) {
    throw new UsageError(`${flag} ${where}must be an integer (got ${JSON.stringify(raw)})`);
  }
  return value;
}

function readConfig(path: string, options: readonly OptionDef[]): Values {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--config ${path}: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`--config ${path}: expected a JSON object of options`);
  }
  const out: Values = {};
  for (const [key, raw] of Object.entries(data)) {
    const def = options.find((o) => o.name === key || camel(o.name) === key);
    if (def === undefined || def.name === 'config' || def.name === 'help') {
      throw new UsageError(
        `--config ${path}: unknown option '${key}' (options: ${options
          .filter((o) => o.name !== 'config' && o.name !== 'help')
          .map((o) => o.name)
          .join(', ')})`,
      );
    }
    out[def.name] = convert(def, raw, `in ${path} `);
  }
  return out;
}

/**
 * Parse a command's arguments: flags (strict), then a `--config` JSON file underneath them, then
 * defaults. Values are keyed by kebab-case name and typed.
 */
export function parseCommand(
  def: CommandDef,
  argv: readonly string[],
): { values: Values; positionals: string[] } {
  const options = [...def.options, ...GLOBAL_OPTIONS];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
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
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, '');
    throw new UsageError(`${message}. Run 'deltaclip ${def.name} --help' for the options.`);
  }
  const flags: Values = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    const o = options.find((x) => x.name === name)!;
    flags[name] = convert(o, raw, '');
  }
  const fromConfig = typeof flags.config === 'string' ? readConfig(flags.config, options) : {};
  const values: Values = {};
  for (const o of options) {
    values[o.name] = flags[o.name] ?? fromConfig[o.name] ?? o.default;
  }
  return { values, positionals: parsed.positionals };
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
