/**
 * What differs between Node and browsers. `#platform` (package.json `imports`) resolves to
 * `node.js` under the `node` condition and to `browser.js` elsewhere, so a bundle never sees
 * Node's modules and Node never sees tfjs-core's extensionless ESM.
 */
export interface Platform {
  readonly kind: 'node' | 'browser';
  /** Registers tfjs's gradients (and, in Node, its chained ops) with the tfjs-core in use. */
  registerGradients(): Promise<void>;
  /** The runtime, the operating system and the number of logical cores, for `doctor`. */
  describe(): RuntimeDescription;
}

export interface RuntimeDescription {
  readonly runtime: string;
  readonly os: string;
  readonly cpus: number;
}
