import { formatNumber, formatValue } from '../../src/rules/describe';

describe('Danish numbers in explanations', () => {
  it('formats numbers with a decimal comma, a thousands dot and at most two decimals, the same on every call', () => {
    for (let round = 0; round < 2; round++) {
      expect(formatNumber(2.5)).toBe('2,5');
      expect(formatNumber(66.666667)).toBe('66,67');
      expect(formatNumber(1234)).toBe('1.234');
      expect(formatValue(1, 'FTE')).toBe('1 årsværk');
    }
  });

  it('keeps the sign of -0 apart from 0, as Intl writes them', () => {
    const intl = new Intl.NumberFormat('da-DK', { maximumFractionDigits: 2 });
    expect(formatNumber(0)).toBe(intl.format(0));
    expect(formatNumber(-0)).toBe(intl.format(-0));
    expect(formatNumber(0)).toBe(intl.format(0));
  });
});
