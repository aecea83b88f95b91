import { isValidCvr } from '../../src/evidence/cvr';

describe('CVR numbers', () => {
  it.each(['29189846', '34567891', '12345674'])('accepts %s (modulus 11 holds)', (cvr) => {
    expect(isValidCvr(cvr)).toBe(true);
  });

  it.each([
    ['29189847', 'wrong check digit'],
    ['2918984', 'seven digits'],
    ['291898460', 'nine digits'],
    ['02918984', 'leading zero'],
    ['2918984a', 'a letter'],
  ])('refuses %s (%s)', (cvr) => {
    expect(isValidCvr(cvr)).toBe(false);
  });
});
