/**
 * The CPR guard: a CPR number must never be accepted anywhere in a payload. Finds every string, key or
 * number that contains something shaped like one (ddmmyy-xxxx or ddmmyyxxxx with a real calendar date)
 * and reports where, never what.
 */

export const CPR_MESSAGE =
  'Værdien ligner et CPR-nummer; CPR-numre må ikke indsendes (value looks like a CPR number; CPR numbers are never accepted)';

// Ten digits, or six + dash + four, not part of a longer run of digits.
const CANDIDATE = /(?<!\d)(\d{2})(\d{2})(\d{2})-?(\d{4})(?!\d)/g;

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function isCalendarDate(dd: number, mm: number, yy: number): boolean {
  if (mm < 1 || mm > 12 || dd < 1) return false;
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mm - 1];
  if (dd > days) return false;
  // 29 February exists when the two-digit year is a leap year in some century the CPR scheme uses.
  if (mm === 2 && dd === 29) return isLeap(1900 + yy) || isLeap(2000 + yy) || isLeap(1800 + yy);
  return true;
}

export function containsCprLike(text: string): boolean {
  for (const match of text.matchAll(CANDIDATE)) {
    const [whole, dd, mm, yy] = match;
    // "2024-01-15"-style dates never match (the dash sits after 4 digits), but ISO fragments like
    // "20240115" would: they are 8 digits, so the 10-digit pattern already leaves them alone.
    if (isCalendarDate(Number(dd), Number(mm), Number(yy)) && whole.length >= 10) return true;
  }
  return false;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * JSON Pointers of every value (and key) in the payload that looks like a CPR number. Iterative, so a
 * deeply nested payload cannot overflow the stack.
 */
export function findCprLikeValues(payload: unknown): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[payload, '']];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      if (containsCprLike(node)) found.push(pointer);
    } else if (typeof node === 'number') {
      if (Number.isInteger(node) && node >= 1e8 && node < 1e10 && containsCprLike(String(node).padStart(10, '0'))) found.push(pointer);
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${pointer}/${i}`]);
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, value] = entries[i];
        const childPointer = `${pointer}/${escapePointer(key)}`;
        if (containsCprLike(key)) found.push(childPointer);
        stack.push([value, childPointer]);
      }
    }
  }
  return found;
}
