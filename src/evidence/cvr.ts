const WEIGHTS = [2, 7, 6, 5, 4, 3, 2, 1];

/** A Danish CVR number: 8 digits, no leading zero, weighted digit sum divisible by 11 (modulus 11). */
export function isValidCvr(value: string): boolean {
  if (!/^[1-9]\d{7}$/.test(value)) return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(value[i]), 0);
  return sum % 11 === 0;
}
