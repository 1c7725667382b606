/**
 * Where a command's output goes: results on stdout (text, or one JSON document with --json),
 * notes and progress on stderr.
 */
export interface Output {
  readonly json: boolean;
  /** Text result on stdout (ignored with --json). */
  text(line: string): void;
  /** A note on stderr (ignored with --json). */
  info(line: string): void;
  /** The JSON result on stdout (only with --json). */
  result(value: unknown): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    text(line) {
      if (!json) process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
    },
    info(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
    result(value) {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
