import fc from 'fast-check';
import { isValidCvr } from '../../src/evidence/cvr';

const WEIGHTS = [2, 7, 6, 5, 4, 3, 2, 1];
const weightedSum = (digits: string) => [...digits].reduce((acc, d, i) => acc + WEIGHTS[i] * Number(d), 0);

/** The check digit that makes `prefix` (7 digits) a valid CVR, or undefined when it would have to be 10. */
function checkDigit(prefix: string): number | undefined {
  const d = (11 - (weightedSum(`${prefix}0`) % 11)) % 11;
  return d === 10 ? undefined : d;
}

describe('CVR numbers (8 digits, modulus 11 with weights 2,7,6,5,4,3,2,1)', () => {
  it.each([
    ['29403473', 132],
    ['29189846', 187],
    ['10000009', 11],
    ['12345674', 110],
    ['34567891', 165],
  ])('accepts %s (weighted sum %i is divisible by 11)', (cvr, sum) => {
    expect(weightedSum(cvr)).toBe(sum);
    expect(isValidCvr(cvr)).toBe(true);
  });

  it.each([
    ['29403474', 'wrong check digit'],
    ['29189847', 'wrong check digit'],
    ['29403437', 'last two digits swapped'],
    ['2940347', 'seven digits'],
    ['294034730', 'nine digits'],
    ['08000000', 'leading zero (weighted sum 0 would otherwise pass)'],
    ['00000000', 'all zeros'],
    ['2940347a', 'a letter'],
    ['2940 3473', 'a space'],
    [' 29403473', 'leading whitespace'],
    ['29403473\n', 'a trailing newline'],
    ['DK29403473', 'a country prefix'],
    ['２９４０３４７３', 'full-width digits'],
    ['', 'empty'],
  ])('refuses %j (%s)', (cvr, _why) => {
    expect(isValidCvr(cvr)).toBe(false);
  });

  it('refuses values that are not strings at run time', () => {
    expect(isValidCvr(29403473 as unknown as string)).toBe(false);
    expect(isValidCvr(undefined as unknown as string)).toBe(false);
  });

  it('accepts every number built with a computed check digit and refuses any single-digit change or adjacent swap (property)', () => {
    const prefix = fc
      .tuple(fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }))
      .map(([first, rest]) => `${first}${rest.join('')}`)
      .filter((p) => checkDigit(p) !== undefined);
    fc.assert(
      fc.property(prefix, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 9 }), (p, pos, delta) => {
        const cvr = `${p}${checkDigit(p)}`;
        expect(isValidCvr(cvr)).toBe(true);
        const digits = [...cvr];
        digits[pos] = String((Number(digits[pos]) + delta) % 10);
        expect(isValidCvr(digits.join(''))).toBe(false);
        if (pos < 7 && cvr[pos] !== cvr[pos + 1]) {
          const swapped = [...cvr];
          [swapped[pos], swapped[pos + 1]] = [swapped[pos + 1], swapped[pos]];
          expect(isValidCvr(swapped.join(''))).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});
