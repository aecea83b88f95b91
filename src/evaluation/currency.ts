import { addMonths, type IsoDate } from '../time/dates';

/**
 * The last day evidence is current: `maxAgeMonths` months after its reporting date, to the day
 * (reported 1 Sep 2025 with at most 12 months: current through 1 Sep 2026, overdue from the day after).
 */
export function evidenceCurrentThrough(reportingDate: IsoDate, maxAgeMonths: number): IsoDate {
  return addMonths(reportingDate, maxAgeMonths);
}

export function evidenceOverdueOn(date: IsoDate, reportingDate: IsoDate, maxAgeMonths: number): boolean {
  return date > evidenceCurrentThrough(reportingDate, maxAgeMonths);
}
