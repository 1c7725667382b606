/**
 * The base class of every error deltaclip throws on purpose. Each subclass carries a stable `name`
 * (the class name) and a machine-readable `code`, so programs can branch without `instanceof`
 * (which fails across two copies of a package in one bundle):
 *
 * ```ts
 * if (DeltaclipError.is(error) && error.code === 'DATASET_FORMAT') { ... }
 * if (DatasetFormatError.is(error)) { ... }   // the subclass's own guard
 * ```
 */
const MARKER = Symbol.for('@deltaclip/utils/error');

export abstract class DeltaclipError extends Error {
  /** A stable machine-readable code, e.g. `NON_FINITE_GRADIENT`. */
  abstract readonly code: string;
  /** Set by every subclass to its class name. */
  abstract override readonly name: string;
  readonly [MARKER] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /**
   * Whether `value` is a deltaclip error — of this class when called on a subclass
   * (`DatasetFormatError.is(e)`), of any kind when called on DeltaclipError itself. Works across
   * copies of the package: it checks the marker and the name, not the prototype chain.
   */
  static is<T extends DeltaclipError>(
    this: abstract new (
      ...args: never[]
    ) => T,
    value: unknown,
  ): value is T {
    if (
      typeof value !== 'object' ||
      value === null ||
      !(value as Record<symbol, unknown>)[MARKER]
    ) {
      return false;
    }
    // biome-ignore lint/complexity/noThisInStatic: is() must see the subclass it is called on
    if ((this as unknown) === DeltaclipError) return true;
    let proto: unknown = Object.getPrototypeOf(value);
    while (proto !== null && proto !== undefined) {
      // biome-ignore lint/complexity/noThisInStatic: is() must see the subclass it is called on
      if ((proto as { constructor?: { name?: string } }).constructor?.name === this.name)
        return true;
      proto = Object.getPrototypeOf(proto);
    }
    return false;
  }
}
