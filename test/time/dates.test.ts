import { addMonths, isIsoDate, lastMonthsBefore, periodEnd, wholeMonthsBetween } from '../../src/time/dates';

describe('calendar dates', () => {
  it('adds months, clamping to the end of a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-03-15', -15)).toBe('2024-12-15');
    expect(addMonths('2026-12-01', 1)).toBe('2027-01-01');
  });

  it('ends a period of months the day before the same day, or on the last day of a month too short to have it', () => {
    expect(periodEnd('2026-10-01', 48)).toBe('2030-09-30');
    expect(periodEnd('2026-01-28', 1)).toBe('2026-02-27');
    expect(periodEnd('2026-01-31', 1)).toBe('2026-02-28');
    expect(periodEnd('2028-02-29', 12)).toBe('2029-02-28');
    expect(periodEnd('2027-02-28', 12)).toBe('2028-02-27');
    expect(periodEnd('2026-03-31', 6)).toBe('2026-09-30');
  });

  it('counts whole months between dates', () => {
    expect(wholeMonthsBetween('2026-01-15', '2026-02-14')).toBe(0);
    expect(wholeMonthsBetween('2026-01-15', '2026-02-15')).toBe(1);
    expect(wholeMonthsBetween('2026-01-31', '2026-02-28')).toBe(1);
    expect(wholeMonthsBetween('2026-05-01', '2026-01-01')).toBe(-4);
  });

  it('defines the window of the last N months as (asOf − N months, asOf]', () => {
    const lastYear = lastMonthsBefore('2026-10-01', 12);
    expect(lastYear('2025-10-01')).toBe(false);
    expect(lastYear('2025-10-02')).toBe(true);
    expect(lastYear('2026-10-01')).toBe(true);
    expect(lastYear('2026-10-02')).toBe(false);
    expect(lastMonthsBefore('2026-03-31', 1)('2026-02-28')).toBe(false);
    expect(lastMonthsBefore('2026-03-31', 1)('2026-03-01')).toBe(true);
  });

  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('26-01-01')).toBe(false);
  });
});
