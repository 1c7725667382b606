/**
 * JSON.parse keeps the last of two equal keys without a word; for a table that means a cell
 * silently replaced. This scan finds the first duplicate key of any object in text that JSON.parse
 * has already accepted, in one linear pass (no second parse, no AST).
 */

export interface DuplicateKey {
  readonly key: string;
  /** 0-based offset of the second occurrence (its opening quote) in the text. */
  readonly offset: number;
  /** 1-based element of the top-level array it is in (when the text is an array). */
  readonly row: number | undefined;
}

/**
 * The first duplicate key in valid JSON text, or undefined. `row` counts the containers of a
 * top-level array, so it is the row number when every row is an object (tableFromJson checks that
 * first).
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  // One frame per open container: a key set for objects, null for arrays.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  let row = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (c === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const raw = text.slice(start, i + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.has(key)) {
          return {
            key,
            offset: start,
            row: stack[0] === null && stack.length >= 2 ? row : undefined,
          };
        }
        top.add(key);
        expectKey = false;
      }
      continue;
    }
    switch (ch) {
      case 0x7b /* { */:
        if (stack.length === 1 && stack[0] === null) row++;
        stack.push(new Set());
        expectKey = true;
        break;
      case 0x5b /* [ */:
        if (stack.length === 1 && stack[0] === null) row++;
        stack.push(null);
        break;
      case 0x7d /* } */:
      case 0x5d /* ] */:
        stack.pop();
        expectKey = false;
        break;
      case 0x2c /* , */:
        expectKey = stack[stack.length - 1] instanceof Set;
        break;
    }
  }
  return undefined;
}
