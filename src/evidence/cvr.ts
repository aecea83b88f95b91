/** Weights of the CVR modulus 11 check, first digit to last (the last digit is the check digit). */
const WEIGHTS = [2, 7, 6, 5, 4, 3, 2, 1] as const;

/**
 * A Danish CVR number: exactly 8 ASCII digits, the first not 0, and the weighted digit sum
 * (weights 2,7,6,5,4,3,2,1) divisible by 11. No spaces, dashes or "DK" prefix are accepted.
 */
export function isValidCvr(value: string): boolean {
  if (typeof value !== 'string' || !/^[1-9][0-9]{7}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += WEIGHTS[i] * (value.charCodeAt(i) - 48);
  return sum % 11 === 0;
}
