/**
 * What a README promises a new user: the first install command and the first code example. Read
 * from the README text itself, so the consumer test runs exactly what the docs show.
 */

export interface FencedBlock {
  readonly lang: string;
  readonly code: string;
}

/** The fenced code blocks of a markdown text, in order (```lang ... ```). */
export function fencedBlocks(markdown: string): FencedBlock[] {
  return [...markdown.matchAll(/^```([\w-]*)[^\n]*\n([\s\S]*?)^```/gm)].map((m) => ({
    lang: m[1] ?? '',
    code: m[2] ?? '',
  }));
}

const CODE_LANGS = new Set(['js', 'javascript', 'mjs', 'ts', 'typescript']);
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

/** The first JavaScript/TypeScript block, or undefined. */
export function firstExample(markdown: string): FencedBlock | undefined {
  return fencedBlocks(markdown).find((b) => CODE_LANGS.has(b.lang));
}

/** The first shell block, or undefined. */
export function firstShellBlock(markdown: string): FencedBlock | undefined {
  return fencedBlocks(markdown).find((b) => SHELL_LANGS.has(b.lang));
}

/** The shell commands of a block: one per line, comments and blank lines dropped. */
export function shellCommands(block: FencedBlock): string[] {
  return block.code
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * The package specs of the first shell block's `npm install` lines (`@scope/name@1.2` kept as
 * written; flags dropped). Empty when the README shows no install command.
 */
export function installedPackages(markdown: string): string[] {
  const block = firstShellBlock(markdown);
  if (block === undefined) return [];
  return shellCommands(block).flatMap((command) => {
    const words = command.split(/\s+/);
    if (words[0] !== 'npm' || !['install', 'i', 'add'].includes(words[1] ?? '')) return [];
    return words.slice(2).filter((w) => !w.startsWith('-'));
  });
}

/** `@scope/name@^1` -> `@scope/name`; `name@1` -> `name`. */
export function packageName(spec: string): string {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at === -1 ? spec : spec.slice(0, at);
}

/** The packages a module imports (static and dynamic, bare specifiers only), by package name. */
export function importedPackages(code: string): string[] {
  const specs = [
    ...code.matchAll(/\bimport\s+(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  const names = specs
    .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:'))
    .map((s) => {
      const parts = s.split('/');
      return s.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    });
  return [...new Set(names)];
}
