/**
 * The package table of DESIGN.md ("Packages": folder -> package -> depends on), as data. Arrows
 * point down the table: a package may import only the packages listed for it here. Apps may
 * import every package; nothing imports an app.
 */
export const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  '@deltaclip/utils': [],
  '@deltaclip/core': ['@deltaclip/utils'],
  '@deltaclip/plstar': ['@deltaclip/core', '@deltaclip/utils'],
  '@deltaclip/datasets': ['@deltaclip/utils'],
  '@deltaclip/models': ['@deltaclip/utils'],
  '@deltaclip/train': [
    '@deltaclip/core',
    '@deltaclip/models',
    '@deltaclip/datasets',
    '@deltaclip/plstar',
    '@deltaclip/utils',
  ],
  '@deltaclip/backend': ['@deltaclip/core', '@deltaclip/utils'],
  '@deltaclip/backend-wasm': ['@deltaclip/backend', '@deltaclip/core', '@deltaclip/utils'],
  '@deltaclip/backend-node-gpu': ['@deltaclip/backend', '@deltaclip/core', '@deltaclip/utils'],
};

/** Apps: compositions of packages. The demo runs in browsers, so it takes no node-gpu adapter. */
export const APPS: Readonly<Record<string, { readonly excluded: readonly string[] }>> = {
  deltaclip: { excluded: [] },
  '@deltaclip/demo': { excluded: ['@deltaclip/backend-node-gpu'] },
  '@deltaclip/bench': { excluded: [] },
};

/**
 * Packages that may `import(name)` a computed module name: backend-node-gpu loads its optional
 * peers @tensorflow/tfjs-node / tfjs-node-gpu lazily, so that installing it without them works
 * and the error can say how to install them. No other package finds code by name at run time.
 */
export const COMPUTED_IMPORTS_ALLOWED: readonly string[] = ['@deltaclip/backend-node-gpu'];
