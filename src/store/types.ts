/**
 * Records kept by the service and the one storage interface both back ends implement
 * (SQLite in DATA_DIR, the embedded default; MongoDB for production).
 *
 * Every record is a plain JSON-serialisable object: dates are ISO strings, ids are strings the caller
 * generates with crypto.randomUUID(). What goes in comes back out unchanged (properties whose value is
 * `undefined` are dropped, as JSON does).
 *
 * One file, a little over 300 lines, because it is the one port both stores and their contract test
 * implement: split, the interface and the shapes it names would be read apart.
 */

/**
 * What the store needs to know of an approval to keep, find and constrain it. The domain's record
 * (src/approvals/records.ts) has more; the store keeps the whole record and gives it back unchanged.
 */
export interface StoredApproval {
  id: string;
  speciale: string;
  level: string;
  /** Which statuses are in force the store is told at construction (StoreOptions). */
  status: string;
  tilsyn: string;
  provider: { tilbudId: string; cvr: string };
  validUntil: string;
  createdAt: string;
  /** Optimistic concurrency: 1 on insert, +1 on every committed update. */
  version: number;
}

/** What the store needs to know of an evaluation; its evidence is kept apart (and read alone) and frozen when read. */
export interface StoredEvaluation {
  id: string;
  approvalId?: string;
  speciale: string;
  /** The provider as the evidence named it: its tilsyn counts only while the provider is not in the register. */
  provider: { tilbudId: string; tilsyn: string };
  createdAt: string;
  evidence: unknown;
}

/**
 * What the store needs to know of a provider in the register, keyed by its tilbudId. The provider's
 * `tilsyn` is the one its evaluations are listed under (EvaluationFilter.tilsyn), whatever the evidence
 * of each said.
 */
export interface StoredProvider {
  tilbudId: string;
  tilsyn: string;
  kommunekode: string;
  /** ISO datetime: when it was registered. Providers are listed in (createdAt, tilbudId) order. */
  createdAt: string;
  /** Optimistic concurrency: 1 on insert, +1 on every committed update. */
  version: number;
}

/** The record types a store keeps: the domain names its own (DomainRecords). */
export interface RecordTypes {
  approval: StoredApproval;
  evaluation: StoredEvaluation;
  provider: StoredProvider;
}

/** An evaluation as listed: the record without its evidence (read that alone with getEvaluationEvidence). */
export type ListedEvaluation<E extends StoredEvaluation = StoredEvaluation> = Omit<E, 'evidence'>;

export interface StoreOptions {
  /**
   * Approval statuses in which an approval is in force: the store keeps at most one approval in force
   * per provider (tilbudId), speciale and level. The domain says which they are.
   */
  inForceStatuses: readonly string[];
  /** Told of each transaction that committed changes (the SQLite store's; for the bench and tests). */
  onTransaction?: TransactionObserver;
  /**
   * The SQLite store's commit transactions run on a writer thread of their own (default), so a service's
   * thread goes on answering during their SQL and fsync; `false`: on the caller's thread, for a job that
   * awaits each commit anyway and is spared the thread's memory (about 50 MB at a batch's peak).
   */
  writerThread?: boolean;
}

/**
 * A committed transaction: the changes it appended to the audit log, how long it held the thread that ran
 * it (µs, its fsync included) and which thread that was (worker_threads' threadId).
 */
export interface Transaction {
  changes: number;
  us: number;
  threadId: number;
}

export type TransactionObserver = (transaction: Transaction) => void;

/** The evidence of a stored evaluation, and which evaluation it is. */
export interface EvidenceOnRecord<Evidence = unknown> {
  evaluationId: string;
  evidence: Evidence;
  /** The evaluation record's `evidenceHash`, when it has one: kept so a re-check need not hash the evidence again. */
  evidenceHash?: string;
}

export interface AuditEntry {
  /** 1, 2, 3, … without gaps. */
  seq: number;
  at: string;
  subject: string;
  action: string;
  entityType: string;
  entityId: string;
  summary: Record<string, unknown>;
  /** `hash` of the previous entry; '0' × 64 for the first. */
  prevHash: string;
  /** auditEntryHash(entry without hash): see auditHash.ts. */
  hash: string;
}

/** What a caller supplies; the store assigns seq, prevHash and hash. */
export type AuditInput = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

export type AuditVerification = { ok: true; entries: number; head: AuditHead | null } | { ok: false; firstBrokenSeq: number; reason: string };

export interface LeaseRecord {
  name: string;
  holder: string;
  /** ISO datetime */
  expiresAt: string;
}

export interface ApprovalFilter {
  speciale?: string;
  level?: string;
  status?: string;
  tilsyn?: string;
  tilbudId?: string;
  cvr?: string;
  /** Only approvals with validUntil < this date (YYYY-MM-DD). */
  expiringBefore?: string;
}

export interface EvaluationFilter {
  tilbudId?: string;
  speciale?: string;
  /**
   * The provider's socialtilsyn: the register's for a registered provider (so evaluations follow a
   * provider that moves), else the one the evaluation's evidence named.
   */
  tilsyn?: string;
  /** Created on or after this day (YYYY-MM-DD, UTC, as createdAt is). */
  from?: string;
  /** Created on or before this day (YYYY-MM-DD, UTC). */
  to?: string;
}

export interface ProviderFilter {
  tilsyn?: string;
  kommunekode?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when there may be more items; pass it back as `cursor` to get them. */
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** Collections of the small generic document store. */
export type DocumentCollection = 'recheckRuns' | 'capacityChanges' | 'rechecks';

export interface StoredDocument {
  id: string;
  [key: string]: unknown;
}

/** Top-level equality query for findDocuments; keys must not start with '$' or contain '.'. */
export type DocumentQuery = Record<string, string | number | boolean>;

/** A row of the audit log as the anchor knows it: the newest entry's position and hash. */
export interface AuditHead {
  seq: number;
  hash: string;
  /** When the entry was made (its `at`). */
  at: string;
}

/**
 * One change to the record: the state it writes and the audit entry that describes it, committed together
 * or not at all. A change that is refused (see Refusal) writes nothing, its audit entry included.
 */
export interface Change<R extends RecordTypes = RecordTypes> {
  /** The entry describing the change; the store assigns seq, prevHash and hash. */
  audit: AuditInput;
  /** An evaluation to insert (refused as duplicate-id if its id exists). */
  evaluation?: R['evaluation'];
  /** An approval to insert, or to update by compare-and-set (stored with version = expectedVersion + 1). */
  approval?: { insert: R['approval'] } | { update: R['approval']; expectedVersion: number };
  /** Documents to insert (refused as duplicate-id if one with the id exists: idempotency keys). */
  documents?: { collection: DocumentCollection; doc: StoredDocument }[];
  /**
   * A provider to register (refused as duplicate-id, collection `providers`, when its tilbudId is
   * registered), or to update by compare-and-set (stored with version = expectedVersion + 1; refused as
   * stale-provider otherwise). Written before the change's evaluation, so that evaluation is listed under
   * the provider's tilsyn; when the tilsyn is new, every evaluation of the provider is listed under it from
   * this commit on (the evaluations themselves are not rewritten).
   */
  provider?: { insert: R['provider'] } | { update: R['provider']; expectedVersion: number };
}

/** Why a change was refused. Nothing of it was written. */
export type Refusal =
  | { reason: 'duplicate-id'; collection: string; id: string }
  /** The approval is not at the expected version (another change came first), or does not exist. */
  | { reason: 'stale-version'; approvalId: string }
  /** The approval would be a second in force for its provider, speciale and level; inForceId is the first, when known. */
  | { reason: 'approval-in-force'; approvalId: string; inForceId?: string }
  /** The provider is not at the expected version (another change came first), or is not registered. */
  | { reason: 'stale-provider'; tilbudId: string };

export type CommitOutcome = { committed: true; entry: AuditEntry } | ({ committed: false } & Refusal);

/** Changes that stand or fall together: all committed, or none, and then which one was refused (its index) and why. */
export type AtomicOutcome = { committed: true; entries: AuditEntry[] } | ({ committed: false; index: number } & Refusal);

export interface AuditVerifyOptions {
  /** A head taken earlier (GET /v1/audit/head): the chain must still hold that entry with that hash. */
  head?: { seq: number; hash: string };
}

export interface Store<R extends RecordTypes = RecordTypes> {
  /**
   * Open / connect and create indexes. Rejects with StoreUnavailableError when the store cannot be
   * reached (worth retrying) and StoreIntegrityError when its data is damaged (an operator must act).
   */
  init(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the store is reachable and writable; otherwise rejects with StoreUnavailableError. */
  ping(): Promise<void>;

  /**
   * Commits the change and its audit entry in one transaction. Before appending, the store checks that
   * the newest stored entry still links to the chain it knows (its content hashes to its hash, and it is
   * the head the store last committed); if not, it rejects with StoreIntegrityError and writes nothing.
   */
  commit(change: Change<R>): Promise<CommitOutcome>;
  /**
   * Several changes in one transaction (a batch, or writes that arrived together), each with its own
   * entry and each all or nothing on its own: a refused change leaves the others. Outcomes in order.
   */
  commitMany(changes: Change<R>[]): Promise<CommitOutcome[]>;
  /**
   * Several changes, each with its own entry, in one transaction that commits all of them or none: when
   * one is refused, nothing of any of them is written (a provider that moves with its approvals). Each
   * change sees the ones before it.
   */
  commitAll(changes: Change<R>[]): Promise<AtomicOutcome>;

  getEvaluation(id: string): Promise<R['evaluation'] | null>;
  /** The most recent (createdAt, then id) evaluation whose approvalId is the given id. */
  latestEvaluationForApproval(approvalId: string): Promise<R['evaluation'] | null>;
  /**
   * An evaluation's evidence alone, read-only: re-checks, the capacity view and impact snapshots need
   * only that of every approval, and the explained result is the larger part of a record.
   */
  getEvaluationEvidence(id: string): Promise<EvidenceOnRecord<R['evaluation']['evidence']> | null>;
  /**
   * Evaluations matching every given filter field, without their evidence, ordered by (createdAt, id).
   * Rejects with InvalidCursorError for a cursor it did not issue, TypeError for a filter value that is
   * not a string (or, for from/to, not a YYYY-MM-DD date).
   */
  listEvaluations(filter: EvaluationFilter, page: PageRequest): Promise<Page<ListedEvaluation<R['evaluation']>>>;

  /** The registered provider with this tilbudId, or null. */
  getProvider(tilbudId: string): Promise<R['provider'] | null>;
  /** Registered providers matching every given field, ordered by (createdAt, tilbudId). Rejects with InvalidCursorError for a cursor it did not issue. */
  listProviders(filter: ProviderFilter, page: PageRequest): Promise<Page<R['provider']>>;

  getApproval(id: string): Promise<R['approval'] | null>;
  /** Ordered by (createdAt, id). Rejects with InvalidCursorError for a cursor it did not issue. */
  listApprovals(filter: ApprovalFilter, page: PageRequest): Promise<Page<R['approval']>>;
  countApprovals(filter: ApprovalFilter): Promise<number>;
  /**
   * Every matching approval in (createdAt, id) order, fetched a page at a time (for batch jobs). Each
   * approval that matches throughout is visited exactly once; one that starts matching during the
   * iteration ahead of the position reached may or may not be visited.
   */
  findApprovals(filter: ApprovalFilter): AsyncIterable<R['approval']>;

  /** Entries with seq > afterSeq (default 0), in seq order, at most `limit`. */
  listAudit(options: { limit: number; afterSeq?: number }): Promise<AuditEntry[]>;
  /** The newest entry's seq, hash and time; null for an empty log. */
  auditHead(): Promise<AuditHead | null>;
  /**
   * Checks the whole chain: seq gapless from 1, each prevHash the previous hash, each hash its content,
   * the newest entry the head the store recorded with its last commit, and (if given) the head taken earlier.
   */
  verifyAuditChain(options?: AuditVerifyOptions): Promise<AuditVerification>;

  /** Takes or extends the lease if it is free, expired (expiresAt <= now) or already held by `holder`. */
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  /** Releases the lease if `holder` holds it; otherwise does nothing. */
  releaseLease(name: string, holder: string): Promise<void>;

  /** Run records of re-check batches: operational, not part of the audited record. Inserts or replaces. */
  putRun(doc: StoredDocument): Promise<void>;
  getDocument<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, id: string): Promise<T | null>;
  /** Documents whose top-level fields strictly equal every query value, ordered by id. */
  findDocuments<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, query: DocumentQuery): Promise<T[]>;
}
