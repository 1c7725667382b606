/** A tensor shape as people read it in messages: `[32, 784]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
