import { municipality } from '../geography';
import type { RecordStore } from '../approvals/records';
import { IN_FORCE_STATUSES, inForceOn, type ApprovalStatus } from '../approvals/status';
import { today, type Clock } from '../time/clock';
import type { IsoDate } from '../time/dates';
import { contentHash } from '../rules/hash';

/**
 * The public register for Tilbudsportalen: approved specialfunktioner and rådgivningsfunktioner in force.
 * Only what identifies the provider and the approval; no staff, no evidence, no internal notes or reasons.
 */
export interface RegisterEntry {
  tilbudId: string;
  providerName: string;
  cvr: string;
  kommunekode: string;
  municipality: string;
  region: string;
  socialtilsyn: string;
  speciale: string;
  level: string;
  status: ApprovalStatus;
  validFrom: string;
  validUntil: string;
}

/** Every status in which an approval is in force: one whose evidence is overdue or that is at risk still is, until revoked. */
export const REGISTER_STATUSES: readonly ApprovalStatus[] = IN_FORCE_STATUSES;

/** The approvals in force on `date` (see inForceOn). */
export async function registerEntries(store: RecordStore, date: IsoDate): Promise<RegisterEntry[]> {
  const entries: RegisterEntry[] = [];
  for (const status of REGISTER_STATUSES) {
    for await (const a of store.findApprovals({ status })) {
      if (!inForceOn(a, date)) continue;
      entries.push({
        tilbudId: a.provider.tilbudId,
        providerName: a.provider.name,
        cvr: a.provider.cvr,
        kommunekode: a.provider.kommunekode,
        municipality: municipality(a.provider.kommunekode)?.navn ?? a.provider.kommunekode,
        region: a.provider.region,
        socialtilsyn: a.tilsyn,
        speciale: a.speciale,
        level: a.level,
        status: a.status,
        validFrom: a.validFrom,
        validUntil: a.validUntil,
      });
    }
  }
  return entries.sort((x, y) => x.speciale.localeCompare(y.speciale) || x.level.localeCompare(y.level) || x.tilbudId.localeCompare(y.tilbudId));
}

/**
 * The register as the route reads it: requests that arrive while the register is being read share that
 * reading. It is public and reads every approval in force (about 0.1 s for 10,000 on the embedded
 * store), so a burst of requests costs one reading instead of one each. A request never gets a reading
 * that began before the previous one ended, so nothing is served staler than that.
 */
export function sharedRegisterReader(store: RecordStore, clock: Clock): () => Promise<{ entries: RegisterEntry[]; etag: string }> {
  let reading: Promise<{ entries: RegisterEntry[]; etag: string }> | undefined;
  return () => {
    reading ??= registerEntries(store, today(clock))
      .then((entries) => ({ entries, etag: registerEtag(entries) }))
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
}

/** A strong validator for the register's content, so Tilbudsportalen can poll with If-None-Match cheaply. */
export function registerEtag(entries: RegisterEntry[]): string {
  return `"${contentHash(entries).slice('sha256:'.length, 'sha256:'.length + 32)}"`;
}

const CSV_COLUMNS: (keyof RegisterEntry)[] = [
  'tilbudId', 'providerName', 'cvr', 'kommunekode', 'municipality', 'region', 'socialtilsyn', 'speciale', 'level', 'status', 'validFrom', 'validUntil',
];

function csvCell(value: string): string {
  // Quote always; double inner quotes; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function registerCsv(entries: RegisterEntry[]): string {
  const lines = [CSV_COLUMNS.join(','), ...entries.map((e) => CSV_COLUMNS.map((c) => csvCell(String(e[c]))).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
