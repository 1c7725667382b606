/**
 * What differs between Node and browsers. `#platform` (package.json `imports`) resolves to
 * `node.js` under the `node` condition and to `browser.js` elsewhere, so a bundle never sees
 * Node's modules and Node never sees tfjs-core's extensionless ESM.
 */
export interface Platform {
  readonly kind: 'node' | 'browser';
  /** Registers tfjs's gradients (and, in Node, its chained ops) with the tfjs-core in use. */
  registerGradients(): Promise<void>;
  /**
   * Imports an optional package by name, or returns undefined when it is not installed. In Node
   * it is looked up from this package, then from the working directory and the main script, so
   * that an adapter installed next to the application is found under pnpm's strict layout too.
   */
  importPackage(specifier: string): Promise<Record<string, unknown> | undefined>;
  /** The runtime, the operating system and the number of logical cores, for `doctor`. */
  describe(): RuntimeDescription;
}

export interface RuntimeDescription {
  readonly runtime: string;
  readonly os: string;
  readonly cpus: number;
}

/** Whether an import failed because `specifier` itself is missing (not one of its imports). */
export function isMissingPackage(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = [`'${specifier}'`, `"${specifier}"`, ` ${specifier} `, `url ${specifier}`];
  const namesIt = quoted.some((q) => message.includes(q)) || message.endsWith(specifier);
  return (
    namesIt &&
    (code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /Cannot find (package|module)|Failed to (load|resolve)/.test(message))
  );
}
