import fc from 'fast-check';
import { containsCprLike, findCprLikeValues } from '../../src/evidence/cpr';

describe('the CPR guard', () => {
  it.each([
    ['010190-1234', 'with dash'],
    ['0101901234', 'without dash'],
    ['2902001234', '29 February in a leap year'],
    ['borger 010190-1234 har', 'inside free text'],
    ['x0101901234y', 'between letters'],
  ])('finds %s (%s)', (text) => {
    expect(containsCprLike(text)).toBe(true);
  });

  it.each([
    ['3102901234', '31 February'],
    ['2902011234', '29 February in a year no century makes leap'],
    ['0113901234', 'month 13'],
    ['2024-01-15', 'an ISO date'],
    ['29189846', 'a CVR number'],
    ['12345678', 'a phone number'],
    ['010190123456', 'a longer run of digits'],
    ['010190/1234', 'another separator'],
  ])('leaves %s alone (%s)', (text) => {
    expect(containsCprLike(text)).toBe(false);
  });

  it('names the path of every CPR-like value, key and number, with pointer escaping', () => {
    const payload = {
      staff: [{ ref: 'M-1' }, { ref: 'M-2', notes: 'cpr 010190-1234' }],
      'a/b': { '0101901234': 'x' },
      nested: [[1, 101901234]],
    };
    expect(findCprLikeValues(payload).sort()).toEqual(['/a~1b/0101901234', '/nested/0/1', '/staff/1/notes'].sort());
  });

  it('never returns the value itself', () => {
    expect(JSON.stringify(findCprLikeValues({ x: '010190-1234' }))).not.toContain('010190');
  });

  it('copes with very deep nesting', () => {
    let deep: unknown = '010190-1234';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(findCprLikeValues(deep)).toHaveLength(1);
  });

  it('finds any valid CPR number placed anywhere in a payload (property)', () => {
    const cpr = fc
      .record({ d: fc.integer({ min: 1, max: 28 }), m: fc.integer({ min: 1, max: 12 }), y: fc.integer({ min: 0, max: 99 }), s: fc.integer({ min: 0, max: 9999 }), dash: fc.boolean() })
      .map(({ d, m, y, s, dash }) => `${String(d).padStart(2, '0')}${String(m).padStart(2, '0')}${String(y).padStart(2, '0')}${dash ? '-' : ''}${String(s).padStart(4, '0')}`);
    fc.assert(
      fc.property(fc.jsonValue(), cpr, fc.array(fc.string({ minLength: 1, maxLength: 5 }), { maxLength: 4 }), (base, value, path) => {
        const payload: Record<string, unknown> = { base };
        let node = payload;
        for (const key of path) node = (node[`k${key}`] = {}) as Record<string, unknown>;
        node.cpr = `tekst ${value} tekst`;
        const found = findCprLikeValues(payload);
        expect(found.length).toBeGreaterThan(0);
        expect(JSON.stringify(found)).not.toContain(value);
      }),
      { numRuns: 300 },
    );
  });
});
