/** Calendar dates as ISO strings (YYYY-MM-DD), computed in UTC so results never depend on the host's zone. */

export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function toIsoDate(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

function parts(date: IsoDate): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

// Derivations ask for the same window starts over and over (one per dated entry); remember them.
const addMonthsCache = new Map<string, IsoDate>();

/** The same day n months later (or earlier for negative n), clamped to the month's last day: 31 Jan + 1 month = 28/29 Feb. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const key = `${date}|${months}`;
  const cached = addMonthsCache.get(key);
  if (cached !== undefined) return cached;
  if (addMonthsCache.size > 10_000) addMonthsCache.clear();
  const result = computeAddMonths(date, months);
  addMonthsCache.set(key, result);
  return result;
}

function computeAddMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month1 = (index % 12) + 1;
  const day = Math.min(d, daysInMonth(year, month1));
  return `${String(year).padStart(4, '0')}-${String(month1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The last day of a period of `months` months that begins on `start`: the day before the same day
 * `months` later, or, where that month is too short to have the day, its last day (a year from
 * 29 Feb 2028 ends 28 Feb 2029; a month from 31 Jan ends on the last day of February).
 */
export function periodEnd(start: IsoDate, months: number): IsoDate {
  const sameDay = addMonths(start, months);
  return sameDay.slice(8) < start.slice(8) ? sameDay : addDays(sameDay, -1);
}

export function addYears(date: IsoDate, years: number): IsoDate {
  return addMonths(date, years * 12);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return toIsoDate(new Date(t));
}

/** Whole months from `from` to `to` (0 when `to` is less than a month after `from`; negative when before). */
export function wholeMonthsBetween(from: IsoDate, to: IsoDate): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  let months = (ty - fy) * 12 + (tm - fm);
  if (months > 0 && addMonths(from, months) > to) months -= 1;
  if (months < 0 && addMonths(from, months) < to) months += 1;
  void fd;
  void td;
  return months;
}

/** The earlier of two dates. */
export function earlierOf(a: IsoDate, b: IsoDate): IsoDate {
  return a < b ? a : b;
}

/**
 * The test for dates in the window of the last n months before `asOf`: (asOf − n months, asOf]. The
 * window's start is worked out once, for the many dated entries a derivation looks at.
 */
export function lastMonthsBefore(asOf: IsoDate, months: number): (date: IsoDate) => boolean {
  const start = addMonths(asOf, -months);
  return (date) => date > start && date <= asOf;
}
