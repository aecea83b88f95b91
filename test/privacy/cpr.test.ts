import fc from 'fast-check';
import { CPR_MESSAGE, containsCprLike, findCprLikeValues, isCprLikeNumber } from '../../src/privacy/cpr';

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
    ['101901234', 'nine digits in a string (only numbers lose their leading zero)'],
    ['', 'empty'],
  ])('leaves %j alone (%s)', (text) => {
    expect(containsCprLike(text)).toBe(false);
  });

  describe('as people write them', () => {
    it.each([
      ['010190 1234', 'a space as separator'],
      ['010190/1234', 'a slash as separator'],
      ['010190--1234', 'two dashes'],
      ['010190 - 1234', 'a dash between spaces'],
      ['010190\u20131234', 'an en dash'],
      ['010190 \u2014 1234', 'an em dash between spaces'],
      ['010190\u22121234', 'a minus sign'],
      ['010190.1234', 'a dot'],
      ['010190\u00a01234', 'a no-break space'],
      ['010190\t1234', 'a tab'],
      ['01-01-90-1234', 'a dashed date'],
      ['01.01.90-1234', 'a dotted date'],
      ['01/01/90 1234', 'a date with slashes'],
      ['01 01 90 1234', 'a spaced date'],
      ['01. 01. 90 - 1234', 'dots and spaces'],
      ['\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14', 'full-width digits'],
      ['\uff10\uff11\uff10\uff11\uff19\uff10-1234', 'full-width date, ASCII serial'],
      ['0101\u200b90\u200c1234', 'zero-width spaces and non-joiners inside'],
      ['010190\u200d-\u20601234', 'a zero-width joiner and word joiner by the dash'],
      ['\ufeff0101901234', 'a byte order mark in front'],
      ['01\u200b01\u200b90\u200b12\u200b34', 'zero-width spaces between every pair'],
      ['begrundelse: borgeren (cpr 010190 – 1234) er flyttet', 'inside a decision reason'],
    ])('flags %j (%s)', (text) => {
      expect(containsCprLike(text)).toBe(true);
    });

    it.each([
      ['3102 90 1234', 'an impossible date stays refused as a date (31 February)'],
      ['0101 90 1234', 'a separator after the month but not after the day'],
      ['01 0190 1234', 'a separator after the day but not after the month'],
      ['010190 12 34', 'a split serial'],
    ])('leaves %j alone (%s)', (text) => {
      expect(containsCprLike(text)).toBe(false);
    });
  });

  /** Values that must stay accepted however CPR numbers are written: each a kind of data the service holds. */
  describe('false positives that must stay accepted', () => {
    it.each([
      ['2026-10-01', 'an ISO date'],
      ['2026-10-01T08:00:00.000Z', 'an ISO timestamp'],
      ['fra 2026-10-01 til 2030-09-30', 'a period'],
      ['2026-10-01/2027-09-30', 'an ISO interval'],
      ['01-10-2026', 'a Danish date'],
      ['01.10.2026 kl. 10.30', 'a Danish date and time'],
      ['+45 12 34 56 78', 'a +45 phone number'],
      ['+4512345678', 'a +45 phone number without spaces'],
      ['12345678', 'a phone number'],
      ['tlf. 12 34 56 78 / 87 65 43 21', 'two phone numbers'],
      ['29403473', 'a CVR number'],
      ['10 11 12 13 14', 'a run of small counts'],
      ['10, 11, 12, 13, 14', 'a run of small counts with commas'],
      ['10 11 12 13 14 15 16', 'a longer run of small counts'],
      ['5b2e8f7a-1c3d-4e5f-8a9b-0c1d2e3f4a5b', 'a UUID issued as a record id'],
      ['12345678-1010-1990-1234-567812345678', 'a UUID of digits'],
      ['9c1f0e2d3b4a59687766554433221100ffeeddccbbaa99887766554433221100', 'a SHA-256 hash'],
      ['sha256:9c1f0e2d3b4a5968776655443322110 0ffeeddccbbaa99887766554433221100', 'a hash broken by a space'],
      ['1.2.3', 'a version'],
      ['kommunekode 101, 147 og 151', 'municipality codes'],
    ])('accepts %j (%s)', (text) => {
      expect(containsCprLike(text)).toBe(false);
      expect(findCprLikeValues({ text })).toEqual([]);
    });
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

  it('finds a valid CPR number however it is written (separators, full-width digits, zero-width characters) and never echoes it', () => {
    const separator = fc.constantFrom('', ' ', '-', '\u2013', '\u2014', '/', '.', ' - ', '. ', '\u00a0', '--');
    const zeroWidth = fc.constantFrom('', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff');
    fc.assert(
      fc.property(cpr, separator, separator, zeroWidth, fc.boolean(), noDigits, noDigits, (c, inDate, beforeSerial, zw, fullWidth, before, after) => {
        const d = c.digits;
        let written = `${d.slice(0, 2)}${inDate}${d.slice(2, 4)}${inDate}${d.slice(4, 6)}${beforeSerial}${d.slice(6, 8)}${zw}${d.slice(8)}`;
        if (fullWidth) written = written.replace(/[0-9]/g, (x) => String.fromCharCode(0xff10 + Number(x)));
        const text = `${before}${written}${after}`;
        expect(containsCprLike(text)).toBe(true);
        const out = JSON.stringify(findCprLikeValues({ [`k ${written}`]: text, v: text }));
        expect(out).toBe('["","/v"]');
      }),
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
