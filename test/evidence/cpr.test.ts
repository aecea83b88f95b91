import fc from 'fast-check';
import { CPR_MESSAGE, containsCprLike, findCprLikeValues, isCprLikeNumber } from '../../src/evidence/cpr';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const daysIn = (mm: number, yy: number) => (mm === 2 ? (yy % 4 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(mm) ? 30 : 31);
const escapeToken = (t: string) => t.replace(/~/g, '~0').replace(/\//g, '~1');

describe('what counts as CPR-like', () => {
  it.each([
    ['010190-1234', 'with dash'],
    ['0101901234', 'without dash'],
    ['borger 010190-1234 har', 'inside free text'],
    ['x0101901234y', 'between letters'],
    ['(010190-1234).', 'between punctuation'],
    ['cpr:0101901234', 'after a colon'],
    ['3112991234', '31 December'],
    ['3004751234', '30 April'],
    ['2902001234', '29 February 00 (2000 was a leap year)'],
    ['2902961234', '29 February 96'],
    ['2902041234', '29 February 04'],
    ['3102901234 og 010190-1234', 'a valid one after an invalid one'],
    ['010190123456 eller 010190-1234', 'a valid one after a longer run of digits'],
    ['ref-010190-1234', 'after a dash'],
    ['0101901234\n', 'before a newline'],
  ])('flags %j (%s)', (text) => {
    expect(containsCprLike(text)).toBe(true);
  });

  it.each([
    ['3102901234', '31 February'],
    ['3002001234', '30 February'],
    ['2902011234', '29 February 01 (neither 1901 nor 2001 is a leap year)'],
    ['2902991234', '29 February 99'],
    ['3104901234', '31 April'],
    ['3111901234', '31 November'],
    ['0001901234', 'day 00'],
    ['3201901234', 'day 32'],
    ['0100901234', 'month 00'],
    ['0113901234', 'month 13'],
    ['2024-01-15', 'an ISO date'],
    ['2024-01-15T10:30:00.000Z', 'an ISO timestamp'],
    ['20240115', 'a compact date'],
    ['29403473', 'a CVR number'],
    ['12345678', 'a phone number'],
    ['+45 12 34 56 78', 'a formatted phone number'],
    ['010190123456', 'a 12-digit number'],
    ['01019012345', 'an 11-digit number'],
    ['1010190-1234', 'seven digits before the dash'],
    ['010190-12345', 'five digits after the dash'],
    ['010190 1234', 'a space as separator'],
    ['010190/1234', 'a slash as separator'],
    ['010190--1234', 'two dashes'],
    ['01-01-90-1234', 'a dashed date'],
    ['101901234', 'nine digits in a string (only numbers lose their leading zero)'],
    ['', 'empty'],
  ])('leaves %j alone (%s)', (text) => {
    expect(containsCprLike(text)).toBe(false);
  });

  it('is not confused by repeated calls (no regular expression state leaks between calls)', () => {
    for (let i = 0; i < 3; i++) {
      expect(containsCprLike('aaaa 010190-1234')).toBe(true);
      expect(containsCprLike('0101901234')).toBe(true);
    }
  });

  it.each([
    [101901234, true, 'a 9-digit number padded to 0101901234'],
    [3112991234, true, 'a 10-digit number'],
    [-101901234, true, 'a negative one'],
    [BigInt(101901234), true, 'a bigint'],
    [3102901234, false, '31 February'],
    [10190123, false, 'eight digits'],
    [10101901234, false, 'eleven digits'],
    [101901234.5, false, 'not an integer'],
    [1e21, false, 'huge'],
    [Number.NaN, false, 'NaN'],
  ])('numbers: %p → %p (%s)', (n, expected, _why) => {
    expect(isCprLikeNumber(n)).toBe(expected);
  });

  it('has a Danish and English message', () => {
    expect(CPR_MESSAGE).toMatch(/CPR-nummer/);
    expect(CPR_MESSAGE).toMatch(/CPR numbers are never accepted/);
  });
});

describe('findCprLikeValues', () => {
  it('finds nothing in a payload without CPR numbers', () => {
    const evidence = {
      provider: { cvr: '29403473', kommunekode: '101', phone: '12345678', tilbudId: 123456789 },
      reportingDate: '2024-01-15',
      staff: [{ ref: 'M-1', from: '2019-08-01', fte: 0.8 }],
      counts: [{ period: '2023-01-01/2023-12-31', started: 14 }],
      createdAt: '2024-01-15T10:30:00.000Z',
    };
    expect(findCprLikeValues(evidence)).toEqual([]);
    for (const v of [null, undefined, true, 0, '', [], {}, new Date(0)]) expect(findCprLikeValues(v)).toEqual([]);
  });

  it('names a CPR-like root value with the empty pointer', () => {
    expect(findCprLikeValues('010190-1234')).toEqual(['']);
    expect(findCprLikeValues(101901234)).toEqual(['']);
  });

  it('names nested values by JSON Pointer, in document order', () => {
    const payload = {
      provider: { cvr: '29403473' },
      staff: [{ ref: 'M-0' }, { ref: 'M-1' }, { ref: 'M-2' }, { ref: 'M-3', notes: 'borger 010190-1234 har' }],
      ids: [1, 2, [3, 101901234]],
      deep: { a: [{ b: 'x2902001234y' }] },
      fine: '3102901234',
    };
    expect(findCprLikeValues(payload)).toEqual(['/staff/3/notes', '/ids/2/1', '/deep/a/0/b']);
  });

  it('escapes ~ and / in pointers (RFC 6901)', () => {
    const payload = { 'a/b': '0101901234', 'm~n': { 'x~/y': '010190-1234' }, '': ['010190-1234'], 'æ ø': '0101901234' };
    expect(findCprLikeValues(payload)).toEqual(['/a~1b', '/m~0n/x~0~1y', '//0', '/æ ø']);
  });

  it('names a CPR-like key by the pointer of the object holding it, so the key is never echoed', () => {
    expect(findCprLikeValues({ '010190-1234': 'x' })).toEqual(['']);
    expect(findCprLikeValues({ staff: [{ ref: 'M-1' }, { 'notes 0101901234': 'y' }] })).toEqual(['/staff/1']);
    // nothing below a CPR-like key is reported on its own (its pointer would repeat the key)
    expect(findCprLikeValues({ a: { '0101901234': { note: '020290-1234' }, b: '030390-1234' } })).toEqual(['/a', '/a/b']);
  });

  it('reports a pointer once even when a key and a value both match there', () => {
    expect(findCprLikeValues({ x: { '010190-1234': 1, '020290-1234': '030390-1234' } })).toEqual(['/x']);
  });

  it('never returns the value itself', () => {
    const result = findCprLikeValues({ x: '010190-1234', y: 101901234, '0202901234': 1, z: [{ '030390-1234': 'w' }] });
    const text = JSON.stringify(result);
    for (const fragment of ['010190', '1234', '101901234', '020290', '030390']) expect(text).not.toContain(fragment);
  });

  it('copes with 10,000 levels of objects and 100,000 levels of arrays', () => {
    let deep: unknown = 'borger 010190-1234';
    for (let i = 0; i < 10_000; i++) deep = { 'd/': deep };
    expect(findCprLikeValues(deep)).toEqual(['/d~1'.repeat(10_000)]);

    let arrays: unknown = [101901234];
    for (let i = 0; i < 100_000; i++) arrays = [arrays];
    const found = findCprLikeValues(arrays);
    expect(found).toHaveLength(1);
    expect(found[0]).toBe('/0'.repeat(100_001));
  });

  it('copes with wide payloads', () => {
    const wide = Array.from({ length: 100_000 }, (_, i) => ({ ref: `M-${i}`, text: 'ingen personnumre her 2024-01-15' }));
    wide[77_777].text = 'ups 0101901234';
    const started = Date.now();
    expect(findCprLikeValues(wide)).toEqual(['/77777/text']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('terminates on cyclic objects', () => {
    const a: Record<string, unknown> = { x: '010190-1234' };
    a.self = a;
    a.list = [a];
    expect(findCprLikeValues(a)).toEqual(['/x']);
  });

  it('treats a __proto__ key from JSON.parse as an ordinary key', () => {
    expect(findCprLikeValues(JSON.parse('{"__proto__": {"x": "010190-1234"}}'))).toEqual(['/__proto__/x']);
  });
});

describe('findCprLikeValues (properties)', () => {
  const date = fc
    .record({ yy: fc.integer({ min: 0, max: 99 }), mm: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
    .map(({ yy, mm, day }) => ({ yy, mm, dd: Math.min(day, daysIn(mm, yy)) }));
  const cpr = fc
    .record({ d: date, seq: fc.integer({ min: 0, max: 9999 }), dash: fc.boolean() })
    .map(({ d, seq, dash }) => ({ digits: `${pad(d.dd)}${pad(d.mm)}${pad(d.yy)}${pad(seq, 4)}`, dash }))
    .map(({ digits, dash }) => ({ digits, text: dash ? `${digits.slice(0, 6)}-${digits.slice(6)}` : digits }));
  const noDigits = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '-', '/', '~', 'æ', ':', '.', '\n'), maxLength: 8 });
  const segment = fc.oneof(fc.integer({ min: 0, max: 3 }), noDigits);
  const noise = fc.jsonValue({ maxDepth: 2 });

  /** Wraps `leaf` in containers along `path`, with noise around it, and returns the payload as parsed JSON. */
  function embed(leaf: unknown, path: (number | string)[], siblings: unknown[]): unknown {
    let node = leaf;
    for (let i = path.length - 1; i >= 0; i--) {
      const seg = path[i];
      const filler = siblings[i % Math.max(siblings.length, 1)] ?? null;
      if (typeof seg === 'number') {
        node = [...Array.from({ length: seg }, () => filler), node, filler];
      } else {
        const obj: Record<string, unknown> = { [`${seg}~sibling`]: filler };
        Object.defineProperty(obj, seg, { value: node, enumerable: true, writable: true, configurable: true });
        node = obj;
      }
    }
    return JSON.parse(JSON.stringify(node));
  }

  it('finds any valid CPR number placed anywhere (value, key or number) and never echoes it', () => {
    fc.assert(
      fc.property(
        cpr,
        fc.constantFrom('string', 'key', 'number'),
        noDigits,
        noDigits,
        fc.array(segment, { maxLength: 6 }),
        fc.array(noise, { maxLength: 3 }),
        (c, where, before, after, path, siblings) => {
          const inText = `${before}${c.text}${after}`;
          const leaf = where === 'string' ? inText : where === 'key' ? { [inText]: siblings[0] ?? null } : Number(c.digits);
          const payload = embed(leaf, path, siblings);
          const found = findCprLikeValues(payload);
          expect(found).toContain(path.map((s) => escapeToken(String(s))).reduce((p, s) => `${p}/${s}`, ''));
          const out = JSON.stringify(found);
          expect(out).not.toContain(c.digits);
          expect(out).not.toContain(c.text);
          expect(out).not.toContain(`${c.digits.slice(0, 6)}-${c.digits.slice(6)}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('does not flag a valid CPR that is part of a longer run of digits', () => {
    fc.assert(
      fc.property(cpr, fc.integer({ min: 0, max: 9 }), fc.boolean(), noDigits, noDigits, (c, extra, front, before, after) => {
        const text = front ? `${before}${extra}${c.text}${after}` : `${before}${c.text}${extra}${after}`;
        expect(containsCprLike(text)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('never flags an ISO date or timestamp', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        expect(findCprLikeValues({ at: iso, day: iso.slice(0, 10) })).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
