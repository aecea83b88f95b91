import type { ProblemCode } from '../problems/codes';

/**
 * The CPR guard: a CPR number must never be accepted anywhere in a payload. It sits below everything
 * that reads input (http, auth, approvals, evidence), so each refuses CPR numbers without depending on another.
 *
 * Something is CPR-like when it contains a CPR number as people write it: `ddmmyy-xxxx`, `ddmmyyxxxx`,
 * `ddmmyy xxxx`, `dd.mm.yy-xxxx`, `dd/mm/yy xxxx`, `ddmmyy – xxxx`, … where ddmmyy is a real calendar
 * date and the match is not part of a longer run of digits. The text is normalised first:
 * full-width digits (U+FF10–FF19) become ASCII digits, zero-width characters (U+200B–200D, U+2060,
 * U+FEFF) are removed, and every run of separators (white space, `-`, the Unicode dashes and minus,
 * `/`, `.`) becomes one space. Then a separator may stand between the date and the serial, and
 * between day, month and year when it stands at both places (`01 01 90` but not `0101 90`); the serial
 * is four digits together. So "borger 010190-1234 har", "x0101901234y" and "01.01.90 - 1234" are
 * CPR-like; "2024-01-15", an 8-digit CVR or phone number, "+45 12 34 56 78", a 12-digit number and
 * "10 11 12 13 14" (a run of small counts: its last four digits are not together) are not.
 * 29 February counts when some century the CPR scheme uses makes yy a leap year (1900+yy or 2000+yy,
 * so any yy divisible by 4, 00 included). The modulus 11 check is deliberately not used: CPR numbers
 * issued since 2007 need not satisfy it.
 *
 * Findings are reported as JSON Pointers (RFC 6901) and never contain the CPR-like text itself. A
 * CPR-like object KEY would be repeated by its own pointer, so it is reported as the pointer of the
 * object that holds it, and nothing below such a key is reported separately (any pointer below it
 * would repeat the key too).
 */

/** The code of every finding of the guard (problem items, CLI findings): `cpr-refused`. */
export const CPR_CODE = 'cpr-refused' as const satisfies ProblemCode;

export const CPR_MESSAGE =
  'Værdien eller et feltnavn her ligner et CPR-nummer; CPR-numre må ikke indsendes ' +
  '(the value or a field name here looks like a CPR number; CPR numbers are never accepted)';

// dd, mm and yy with the same (possibly empty) separator between them, an optional separator, xxxx;
// not preceded or followed by another digit. Runs on normalised text (see normaliseForCpr).
const CANDIDATE = /(?<![0-9])([0-9]{2})( ?)([0-9]{2})\2([0-9]{2}) ?[0-9]{4}(?![0-9])/g;
const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/g;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const SEPARATORS = /[\s\-\u2010-\u2015\u2212/.]+/g;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Whether dd/mm/yy is a date in 1900+yy or 2000+yy (the centuries of CPR numbers in use). */
function isCalendarDate(dd: number, mm: number, yy: number): boolean {
  if (mm < 1 || mm > 12 || dd < 1 || dd > DAYS_IN_MONTH[mm - 1]) return false;
  // 1900+yy is a leap year when yy % 4 === 0 and yy !== 0; 2000+yy when yy % 4 === 0 (2000 was one).
  if (mm === 2 && dd === 29) return yy % 4 === 0;
  return true;
}

/**
 * The text as the guard reads it: full-width digits as ASCII digits, zero-width characters removed and
 * every run of separators as one space. Only for matching: never shown, stored or logged.
 */
export function normaliseForCpr(text: string): string {
  let out = text;
  // Non-ASCII is rare in the values the guard sees; the replacements below are skipped for it.
  if (/[^\x00-\x7f]/.test(out)) {
    out = out.replace(ZERO_WIDTH, '').replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
  }
  return out.replace(SEPARATORS, ' ');
}

/**
 * Whether the text holds ten digits (ASCII or full-width), which every CPR-like text does: ddmmyy and
 * xxxx survive normalisation as digits. Most texts (ids, dates, names) hold fewer, and this count is
 * far cheaper than normalising and matching them, which every string of every request body would cost.
 */
function hasTenDigits(text: string): boolean {
  if (text.length < 10) return false;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19)) {
      if (++digits === 10) return true;
    }
  }
  return false;
}

/** Whether the text contains a CPR-like substring (as people write CPR numbers; see the top of this file). */
export function containsCprLike(text: string): boolean {
  if (!hasTenDigits(text)) return false;
  const normalised = normaliseForCpr(text);
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(normalised); m !== null; m = CANDIDATE.exec(normalised)) {
    if (isCalendarDate(Number(m[1]), Number(m[3]), Number(m[4]))) {
      CANDIDATE.lastIndex = 0;
      return true;
    }
  }
  return false;
}

/**
 * Whether a number is CPR-like: an integer of 9 or 10 digits whose zero-padded 10-digit form is
 * (0101901234 sent as a JSON number arrives as 101901234).
 */
export function isCprLikeNumber(value: number | bigint): boolean {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return false;
  const digits = (value < 0 ? -value : value).toString();
  return digits.length >= 9 && digits.length <= 10 && containsCprLike(digits.padStart(10, '0'));
}

/** One value still to look at, with the way back to the root for building its pointer on demand. */
interface Frame {
  readonly node: unknown;
  readonly parent: Frame | undefined;
  /** Key or index of this node within its parent ('' for the root), escaped only if a pointer is built. */
  readonly token: string | number;
}

function escapeToken(token: string | number): string {
  return typeof token === 'number' ? String(token) : token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerOf(frame: Frame): string {
  const tokens: string[] = [];
  for (let f: Frame | undefined = frame; f !== undefined && f.parent !== undefined; f = f.parent) tokens.push(escapeToken(f.token));
  let pointer = '';
  for (let i = tokens.length - 1; i >= 0; i--) pointer += `/${tokens[i]}`;
  return pointer;
}

/**
 * JSON Pointers (RFC 6901, `~0`/`~1` escaped), in document order and without duplicates, of every
 * string value, number value and object key in the payload that is CPR-like (a key is named by the
 * pointer of the object holding it). The CPR-like text itself never appears in the result. Uses an
 * explicit stack, so arbitrarily deep payloads cannot overflow the call stack; an object reached a
 * second time (shared or cyclic references, impossible in parsed JSON) is not walked again.
 */
export function findCprLikeValues(payload: unknown): string[] {
  const found = new Set<string>();
  const seen = new WeakSet<object>();
  const stack: Frame[] = [{ node: payload, parent: undefined, token: '' }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const { node } = frame;
    if (typeof node === 'string') {
      if (containsCprLike(node)) found.add(pointerOf(frame));
    } else if (typeof node === 'number' || typeof node === 'bigint') {
      if (isCprLikeNumber(node)) found.add(pointerOf(frame));
    } else if (typeof node === 'object' && node !== null) {
      if (seen.has(node) || ArrayBuffer.isView(node)) continue;
      seen.add(node);
      if (Array.isArray(node)) {
        for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], parent: frame, token: i });
      } else {
        // Pushed last key first, so that they are popped in document order. Every CPR-like key of this
        // object gives the same pointer, so finding them in reverse changes nothing.
        const keys = Object.keys(node);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i];
          if (containsCprLike(key)) found.add(pointerOf(frame));
          else stack.push({ node: (node as Record<string, unknown>)[key], parent: frame, token: key });
        }
      }
    }
  }
  return [...found];
}
