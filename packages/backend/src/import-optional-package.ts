import { platform } from '#platform';

/**
 * Imports an optional package by name; undefined when it is not installed, and the error when
 * it is installed but fails to load. In Node it is looked up from @deltaclip/backend, then from
 * the working directory and the main script, so that adapters and the packages they load are
 * found next to the application under pnpm's strict layout too. For adapter packages.
 */
export function importOptionalPackage(
  specifier: string,
): Promise<Record<string, unknown> | undefined> {
  return platform.importPackage(specifier);
}
