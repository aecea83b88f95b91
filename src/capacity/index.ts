import { deriveFact } from '../evidence/derive';
import { allRegions } from '../geography';
import type { RulesCatalogue } from '../rules/catalogue';
import { LEVELS, type Level } from '../rules/types';
import type { RecordStore } from '../approvals/records';
import { IN_FORCE_STATUSES, inForceOn } from '../approvals/status';
import { addMonths, type IsoDate } from '../time/dates';
import { evidenceOnRecord } from '../approvals/evidence';

/** National capacity per speciale × level × region, for Socialstyrelsen. */
export interface CapacityCell {
  region: string;
  active: number;
  atRisk: number;
  expiringWithin6Months: number;
  /** Citizen courses started in the last 12 months, as reported in each approval's latest evidence. */
  citizenCourses12Months: number;
}

export interface CapacityRow {
  speciale: string;
  level: Level;
  regions: CapacityCell[];
  totals: Omit<CapacityCell, 'region'>;
  /** Regions with no approval in force: coverage gaps. */
  gaps: string[];
}

export interface CapacityReport {
  asOf: IsoDate;
  rows: CapacityRow[];
}

export async function capacityReport(store: RecordStore, rules: RulesCatalogue, asOf: IsoDate): Promise<CapacityReport> {
  const regions = allRegions();
  const rows = new Map<string, CapacityRow>();
  for (const s of rules.specialer()) {
    for (const level of LEVELS) {
      rows.set(`${s.speciale}|${level}`, {
        speciale: s.speciale,
        level,
        regions: regions.map((region) => ({ region, active: 0, atRisk: 0, expiringWithin6Months: 0, citizenCourses12Months: 0 })),
        totals: { active: 0, atRisk: 0, expiringWithin6Months: 0, citizenCourses12Months: 0 },
        gaps: [],
      });
    }
  }
  const horizon = addMonths(asOf, 6);
  for (const status of IN_FORCE_STATUSES) {
    for await (const a of store.findApprovals({ status })) {
      const row = rows.get(`${a.speciale}|${a.level}`);
      const cell = row?.regions.find((c) => c.region === a.provider.region);
      if (!row || !cell || !inForceOn(a, asOf)) continue;
      if (a.status === 'at-risk') cell.atRisk += 1;
      else cell.active += 1;
      if (a.validUntil < horizon) cell.expiringWithin6Months += 1;
      const evidence = await evidenceOnRecord(store, a);
      const volume = evidence ? deriveFact('citizenCoursesStarted', evidence, asOf, { withinMonths: 12 }) : undefined;
      if (typeof volume === 'number') cell.citizenCourses12Months += volume;
    }
  }
  for (const row of rows.values()) {
    for (const cell of row.regions) {
      row.totals.active += cell.active;
      row.totals.atRisk += cell.atRisk;
      row.totals.expiringWithin6Months += cell.expiringWithin6Months;
      row.totals.citizenCourses12Months += cell.citizenCourses12Months;
    }
    row.gaps = row.regions.filter((c) => c.active + c.atRisk === 0).map((c) => c.region);
  }
  return { asOf, rows: [...rows.values()] };
}
