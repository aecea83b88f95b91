import { municipality } from '../geography';
import type { RecordStore } from '../approvals/records';
import { IN_FORCE_STATUSES, inForceOn, type ApprovalStatus } from '../approvals/status';
import { today, type Clock } from '../time/clock';
import type { IsoDate } from '../time/dates';
import { contentHash } from '../rules/hash';
import { registerCsv, type CsvSeparator } from './csv';

export { CSV_SEPARATORS, type CsvSeparator } from './csv';

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

/** One representation of the register: JSON, or CSV with its separator. */
export type RegisterRepresentation = { kind: 'json' } | { kind: 'csv'; separator: CsvSeparator };

export interface SerialisedRegister {
  body: string;
  etag: string;
  contentType: string;
}

function representationKey(r: RegisterRepresentation): string {
  return r.kind === 'csv' ? `csv;${r.separator}` : 'json';
}

/**
 * The register's serialised bodies, kept until the data changes. A body is keyed by the day (the register
 * means "in force today"), the newest audit entry (every change to an approval has one, and several
 * processes may share the store, so a local write counter would not do) and the representation; a
 * request then costs one auditHead read and a map lookup. Only the current generation is kept.
 */
export function cachedRegister(store: RecordStore, clock: Clock): (representation: RegisterRepresentation) => Promise<SerialisedRegister> {
  let generation: string | undefined;
  let reading: Promise<{ entries: RegisterEntry[]; etag: string }> | undefined;
  let bodies = new Map<string, Promise<SerialisedRegister>>();
  return async (representation) => {
    const head = await store.auditHead();
    const day = today(clock);
    const key = `${day}|${head ? `${head.seq}:${head.hash}` : '0'}`;
    if (key !== generation) {
      generation = key;
      reading = undefined;
      bodies = new Map();
    }
    const current = bodies;
    const name = representationKey(representation);
    let body = current.get(name);
    if (body === undefined) {
      // Read under this generation once, for every representation; a reading that fails is not kept.
      // Not sharedRegisterReader: a reading begun before this generation's change must not be kept under it.
      const entries = (reading ??= registerEntries(store, day).then((items) => ({ entries: items, etag: registerEtag(items) })));
      body = entries.then(({ entries: items, etag }) => serialise(items, etag, representation));
      current.set(name, body);
      body.catch(() => {
        if (current.get(name) === body) current.delete(name);
        if (bodies === current) reading = undefined;
      });
    }
    return body;
  };
}

function serialise(entries: RegisterEntry[], etag: string, representation: RegisterRepresentation): SerialisedRegister {
  if (representation.kind === 'csv') {
    // One strong ETag per representation: a cached CSV's If-None-Match never answers 304 to a JSON request,
    // nor a comma file's to a request for semicolons.
    const suffix = representation.separator === 'comma' ? '-csv' : `-csv-${representation.separator}`;
    return { body: registerCsv(entries, representation.separator), etag: `${etag.slice(0, -1)}${suffix}"`, contentType: 'text/csv; charset=utf-8' };
  }
  return { body: JSON.stringify({ items: entries, count: entries.length }), etag, contentType: 'application/json; charset=utf-8' };
}

/** A strong validator for the register's content, so Tilbudsportalen can poll with If-None-Match cheaply. */
export function registerEtag(entries: RegisterEntry[]): string {
  return `"${contentHash(entries).slice('sha256:'.length, 'sha256:'.length + 32)}"`;
}
