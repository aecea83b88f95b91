/**
 * Whether the record can be trusted: the audit chain verifies and every approval is in the state its
 * entries say. Checked in full at start and every AUDIT_VERIFY_INTERVAL_MINUTES, and on demand; each
 * append also checks its own link (in the store). While the record is in doubt, reads go on but every
 * write that appends an audit entry is refused with StoreIntegrityError: an operator must act, nothing
 * is repaired or dropped to make it pass.
 */
import { RecordDamagedError, StoreIntegrityError } from '../store/errors';
import type { AuditHead, AuditVerifyOptions, CommitOutcome } from '../store/types';
import type { RecordChange, RecordStore } from './records';
import type { Clock } from '../time/clock';
import { ApprovalFold, type ApprovalDiscrepancy } from './fold';

/** A stored record that could not be read (collection and id; never its content), and when that was first met. */
export interface DamagedRecord {
  collection: string;
  id: string;
  reason: string;
  at: string;
}

/** Damaged records listed in a report (the first met). */
export const MAX_LISTED_DAMAGED = 100;

/** Discrepancies listed in a report; all are counted. */
export const MAX_LISTED_DISCREPANCIES = 100;

const AUDIT_PAGE = 1000;

export type IntegrityReport =
  | { status: 'unchecked' }
  | { status: 'ok'; checkedAt: string; entries: number; head: AuditHead | null; approvals: number }
  | {
      status: 'degraded';
      checkedAt: string;
      /** The first entry that does not verify, and why. */
      chain?: { firstBrokenSeq: number; reason: string };
      /** Approvals whose stored state differs from their entries (the first MAX_LISTED_DISCREPANCIES). */
      approvals?: ApprovalDiscrepancy[];
      discrepancyCount?: number;
      /** Records that could not be read since the process started (the first MAX_LISTED_DAMAGED). */
      damagedRecords?: DamagedRecord[];
    };

export interface VerifyOutcome {
  ok: boolean;
  report: IntegrityReport;
  /** When a head was given and the chain no longer holds it. */
  head?: { ok: boolean; firstBrokenSeq?: number; reason?: string };
}

/** Folds the entries after `afterSeq` into `fold`; returns the last seq folded. */
async function foldEntries(store: RecordStore, fold: ApprovalFold, afterSeq: number): Promise<number> {
  for (;;) {
    const page = await store.listAudit({ limit: AUDIT_PAGE, afterSeq });
    for (const entry of page) fold.add(entry);
    if (page.length > 0) afterSeq = page[page.length - 1].seq;
    if (page.length < AUDIT_PAGE) return afterSeq;
  }
}

/** Folds every entry and compares every approval: the full check behind /v1/audit/verify and /ready. */
export async function verifyRecord(store: RecordStore, clock: Clock, options: AuditVerifyOptions = {}): Promise<VerifyOutcome> {
  const checkedAt = clock.now().toISOString();
  const chain = await store.verifyAuditChain();
  if (!chain.ok) {
    const report: IntegrityReport = { status: 'degraded', checkedAt, chain: { firstBrokenSeq: chain.firstBrokenSeq, reason: chain.reason } };
    return { ok: false, report };
  }
  const fold = new ApprovalFold();
  let folded = await foldEntries(store, fold, 0);
  let approvals = 0;
  const counted = (async function* () {
    for await (const a of store.findApprovals({})) {
      approvals += 1;
      yield a;
    }
  })();
  let discrepancies = await fold.compare(counted);
  // Another process may have committed changes between the entries read and the approvals read: fold
  // what came since and look at those approvals again. A change and its entry commit together, so a
  // difference that remains is real.
  for (let round = 0; round < 3 && discrepancies.length > 0; round++) {
    folded = await foldEntries(store, fold, folded);
    const ids = [...new Set(discrepancies.map((d) => d.approvalId))];
    discrepancies = [];
    for (const id of ids) discrepancies.push(...fold.compareOne(id, await store.getApproval(id)));
  }
  const report: IntegrityReport =
    discrepancies.length > 0
      ? { status: 'degraded', checkedAt, approvals: discrepancies.slice(0, MAX_LISTED_DISCREPANCIES), discrepancyCount: discrepancies.length }
      : { status: 'ok', checkedAt, entries: chain.entries, head: chain.head, approvals };
  if (!options.head) return { ok: report.status === 'ok', report };
  const withHead = await store.verifyAuditChain({ head: options.head });
  const head = withHead.ok ? { ok: true } : { ok: false, firstBrokenSeq: withHead.firstBrokenSeq, reason: withHead.reason };
  return { ok: report.status === 'ok' && head.ok, report, head };
}

export interface IntegrityEvents {
  /** The record was found in doubt (a full check, or an append whose link did not hold). */
  onDegraded?(report: IntegrityReport): void;
  /** A read met a damaged record (once per record). */
  onDamaged?(record: DamagedRecord): void;
  /** A change committed; `entries` are its audit entries in order. */
  onCommitted?(entries: CommitOutcome[]): void;
}

/** The last known state of the record, kept by each process that writes to it. */
export class RecordIntegrity {
  private report: IntegrityReport = { status: 'unchecked' };
  private readonly damaged = new Map<string, DamagedRecord>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<VerifyOutcome> | undefined;

  constructor(
    private readonly store: RecordStore,
    private readonly clock: Clock,
    private readonly events: IntegrityEvents = {},
  ) {}

  /**
   * The last full check's result; with a damaged record met since start, `degraded` listing it (writes to
   * the rest of the record go on: one unreadable record does not put the others in doubt).
   */
  last(): IntegrityReport {
    if (this.damaged.size === 0) return this.report;
    const damagedRecords = [...this.damaged.values()];
    const base = this.report.status === 'degraded' ? this.report : { status: 'degraded' as const, checkedAt: damagedRecords[0].at };
    return { ...base, damagedRecords };
  }

  /**
   * A read met a damaged record: logged once (by `onDamaged`) and listed in `last()` until the process
   * restarts (restoring the record is an operator's work, done with the service stopped).
   */
  noteDamaged(error: RecordDamagedError): void {
    const key = `${error.collection}/${error.id}`;
    if (this.damaged.has(key) || this.damaged.size >= MAX_LISTED_DAMAGED) return;
    const record: DamagedRecord = { collection: error.collection, id: error.id, reason: error.reason, at: this.clock.now().toISOString() };
    this.damaged.set(key, record);
    this.events.onDamaged?.(record);
  }

  /** The full check (one at a time: a caller arriving while one runs shares it); the result becomes the state. */
  verify(): Promise<VerifyOutcome> {
    this.running ??= verifyRecord(this.store, this.clock)
      .then(
        (outcome) => {
          this.record(outcome.report);
          return outcome;
        },
        (error: unknown) => {
          // A record the check cannot read is the check's finding, not its failure; the last full result
          // stays what it was (writes to the rest of the record go on).
          if (!(error instanceof RecordDamagedError)) throw error;
          this.noteDamaged(error);
          return { ok: false, report: this.last() };
        },
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Re-verify every `minutes` (0: never). Failures to read the store leave the last state as it was. */
  schedule(minutes: number, onError: (error: unknown) => void): void {
    if (minutes <= 0) return;
    this.timer = setInterval(() => void this.verify().catch(onError), minutes * 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Refuses writes while the record is in doubt. */
  assertIntact(): void {
    const r = this.report;
    if (r.status !== 'degraded') return;
    const what = r.chain
      ? `revisionsloggen er brudt ved post ${r.chain.firstBrokenSeq}`
      : `${r.discrepancyCount ?? 0} godkendelse(r) afviger fra revisionsloggen`;
    throw new StoreIntegrityError(`Registreringen kan ikke ændres, før en driftsansvarlig har undersøgt den: ${what}`, {
      ...(r.chain ? { firstBrokenSeq: r.chain.firstBrokenSeq } : {}),
    });
  }

  private record(report: IntegrityReport): void {
    this.report = report;
    if (report.status === 'degraded') this.events.onDegraded?.(report);
  }

  /** The store refused an append whose link did not hold. */
  noteBrokenLink(error: StoreIntegrityError): void {
    const seq = error.details.firstBrokenSeq;
    this.record({ status: 'degraded', checkedAt: this.clock.now().toISOString(), chain: { firstBrokenSeq: seq ?? 0, reason: error.message } });
  }

  /** The store, with its writes refused while the record is in doubt; what the domain is given. */
  guard(store: RecordStore): RecordStore {
    const commitThrough = async <T>(write: () => Promise<T>): Promise<T> => {
      this.assertIntact();
      try {
        return await write();
      } catch (error) {
        if (error instanceof StoreIntegrityError && error.details.firstBrokenSeq !== undefined) this.noteBrokenLink(error);
        throw error;
      }
    };
    const commit = async (change: RecordChange) => {
      const outcome = await commitThrough(() => store.commit(change));
      this.events.onCommitted?.([outcome]);
      return outcome;
    };
    const commitMany = async (changes: RecordChange[]) => {
      const outcomes = await commitThrough(() => store.commitMany(changes));
      this.events.onCommitted?.(outcomes);
      return outcomes;
    };
    const commitAll = async (changes: RecordChange[]) => {
      const outcome = await commitThrough(() => store.commitAll(changes));
      this.events.onCommitted?.(outcome.committed ? outcome.entries.map((entry) => ({ committed: true as const, entry })) : []);
      return outcome;
    };
    const guarded = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'commit') return commit;
        if (property === 'commitMany') return commitMany;
        if (property === 'commitAll') return commitAll;
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    return guarded;
  }
}
