/**
 * Whether an import failed because `specifier` itself is missing (not one of its imports): the
 * difference between "install X" and "X is broken", which adapters report differently.
 */
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
