import { Scanner } from './jsonScanner';

/**
 * JSON parsing for files people write by hand: the value comes from JSON.parse (the authority on what
 * is valid), while a small scanner of the same grammar finds where a malformed file goes wrong (line,
 * column and a Danish hint about the likely fix) and finds duplicate keys, which JSON.parse silently
 * resolves by keeping the last one.
 */

export interface JsonSyntaxError {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
}

export interface DuplicateKey {
  /** JSON Pointer to the repeated property. */
  pointer: string;
  key: string;
  line: number;
  column: number;
}

/** A number JSON.parse would read as Infinity (beyond the double range, e.g. 1e400). */
export interface NumberOutOfRange {
  pointer: string;
  /** The number as written. */
  literal: string;
  line: number;
  column: number;
}

export type JsonParseResult =
  | { ok: true; value: unknown; duplicateKeys: DuplicateKey[]; numbersOutOfRange: NumberOutOfRange[] }
  | { ok: false; error: JsonSyntaxError };

export function parseJsonText(input: string): JsonParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let value: unknown;
  let nativeError: Error | undefined;
  try {
    value = JSON.parse(text);
  } catch (error) {
    nativeError = error as Error;
  }
  // The scanner recurses once per level; a file nested deeper than any rule set needs is refused whole.
  const depth = nestingDepth(text);
  if (depth.max > MAX_NESTING) {
    const { line, column } = lineAndColumn(text, depth.offset);
    return { ok: false, error: { message: `filen er indlejret mere end ${MAX_NESTING} niveauer dybt; et regelsæt behøver langt færre`, line, column } };
  }
  const scan = new Scanner(text).run();
  if (nativeError) {
    if (scan.error) return { ok: false, error: scan.error };
    return { ok: false, error: { message: `ugyldig JSON: ${nativeError.message}`, line: 1, column: 1 } };
  }
  return { ok: true, value, duplicateKeys: scan.duplicates, numbersOutOfRange: scan.outOfRange };
}

/** Far deeper than any rule set or case needs (they nest a few levels), far shallower than the stack allows. */
export const MAX_NESTING = 256;

/** The deepest nesting of objects and arrays (outside strings), and where it first exceeds MAX_NESTING. */
function nestingDepth(text: string): { max: number; offset: number } {
  let depth = 0;
  let max = 0;
  let offset = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (depth === MAX_NESTING + 1) offset = i;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return { max, offset };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
