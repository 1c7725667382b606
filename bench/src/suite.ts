import { cpus, totalmem } from 'node:os';

/** One benchmark suite: its rows become a section of BENCHMARKS.md. */
export interface Suite {
  /** File-safe id, also the name to run it alone: `pnpm bench <id>`. */
  readonly id: string;
  readonly title: string;
  /** Returns the section's markdown body (tables and notes). */
  run(): Promise<string>;
}

/** Markdown table from a header and rows. */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A number with `digits` significant digits, for tables. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  return Number(x.toPrecision(digits)).toString();
}

export { median } from './stats.js';

/** The machine a section was measured on. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  return `${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
