/**
 * Production store on MongoDB (official driver), for one or more service instances on a replica set.
 *
 * - Writes are acknowledged by a majority and journaled, reads see majority-committed data, so nothing
 *   a client was told about can be rolled back by a fail-over.
 * - Records are stored as they are, with the driver's `_id` alongside; every read projects `_id` away and
 *   every insert/replace gets a copy (the driver would otherwise add `_id` to the caller's object).
 * - Connection-level failures (no server / no primary / network / majority not reachable in time / a
 *   mongodb+srv name that does not resolve / no pooled connection in time) become StoreUnavailableError,
 *   which the HTTP layer answers with 503.
 */
import {
  MongoClient,
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
  type Collection,
  type Db,
  type Filter,
  type MongoClientOptions,
} from 'mongodb';
import {
  assertDocumentQuery,
  assertFilter,
  assertId,
  assertPageRequest,
  assertStoredDocument,
  byId,
  decodeCursor,
  deepFreeze,
  iterateApprovals,
  matchesQuery,
  nextAuditEntry,
  toPage,
  verifyChain,
} from './common';
import { ApprovalInForceError, DuplicateIdError, StoreUnavailableError } from './errors';
import { LIVE_STATUSES } from './types';
import type {
  ApprovalFilter,
  ApprovalRecord,
  AuditEntry,
  AuditInput,
  AuditVerification,
  DocumentCollection,
  DocumentQuery,
  EvaluationRecord,
  EvidenceOnRecord,
  LeaseRecord,
  Page,
  PageRequest,
  Store,
  StoredDocument,
} from './types';

export const DEFAULT_DB_NAME = 'specialfunktion';

const DOCUMENT_COLLECTIONS: readonly DocumentCollection[] = ['recheckRuns', 'capacityChanges', 'rechecks'];
const NO_ID = { _id: 0 } as const;
const EVIDENCE_ONLY = { _id: 0, id: 1, evidence: 1 } as const;
/** `inForce` is the store's own marker for the live_unique index (see storedApproval), not part of the record. */
const APPROVAL_FIELDS = { _id: 0, inForce: 0 } as const;
const LIVE_UNIQUE = 'live_unique';
const DUPLICATE_KEY = 11000;
/** Appends racing with other instances retry on the unique seq index for this long; then the log is "busy". */
const AUDIT_APPEND_BUDGET_MS = 5000;

/** Server error codes meaning "no usable primary / shutting down / timed out", i.e. try again later. */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  64, // WriteConcernFailed / WriteConcernTimeout
  89, // NetworkTimeout
  91, // ShutdownInProgress
  100, // UnsatisfiableWriteConcern (not enough members up for w: majority)
  133, // FailedToSatisfyReadPreference
  134, // ReadConcernMajorityNotAvailableYet
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Pool errors the driver does not export: the pool was closed under an operation, or no connection came free in time. */
const UNAVAILABLE_DRIVER_ERRORS = new Set(['MongoPoolClosedError', 'MongoWaitQueueTimeoutError']);

/** DNS answers that mean "try again later" for a mongodb+srv:// URI; the driver passes Node's own errors through. */
const DNS_FAILURES = new Set(['ENOTFOUND', 'ENODATA', 'ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED', 'EAI_AGAIN', 'ECONNRESET', 'ECANCELLED']);

function isDnsFailure(error: unknown): boolean {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  return typeof syscall === 'string' && syscall.startsWith('query') && DNS_FAILURES.has(String(code));
}

export function isUnavailableError(error: unknown): boolean {
  if (isDnsFailure(error)) return true;
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoWriteConcernError
  ) {
    return true;
  }
  if (error instanceof MongoError) {
    if (UNAVAILABLE_DRIVER_ERRORS.has(error.name)) return true;
    if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('SystemOverloadedError')) return true;
    const code = Number(error.code);
    return UNAVAILABLE_CODES.has(code);
  }
  return false;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && Number(error.code) === DUPLICATE_KEY;
}

function mapError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isUnavailableError(error)) return new StoreUnavailableError(`MongoDB is unavailable: ${(error as Error).message}`, { cause: error });
  return error;
}

/** Runs a driver call, turning "cannot reach the database" failures into StoreUnavailableError. */
async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw mapError(error);
  }
}

function withoutMongoId<T extends object>(value: T): T {
  const { _id: _ignored, ...rest } = value as T & { _id?: unknown };
  return rest as T;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class MongoStore implements Store {
  private readonly client: MongoClient;
  private readonly db: Db;
  private readonly evaluations: Collection<EvaluationRecord>;
  private readonly approvals: Collection<ApprovalRecord>;
  private readonly audit: Collection<AuditEntry>;
  private readonly leases: Collection<LeaseRecord>;
  /** Serialises this instance's audit appends, so they race only with other instances. */
  private auditQueue: Promise<unknown> = Promise.resolve();

  constructor(uri: string, dbName: string = DEFAULT_DB_NAME, options: MongoClientOptions = {}) {
    this.client = new MongoClient(uri, {
      appName: 'specialfunktion-rules',
      // Fail fast (→ 503) rather than hold requests while no server/primary can be found.
      // Defaults only: a value in the URI (e.g. ?serverSelectionTimeoutMS=500) wins.
      ...(/[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 3000 }),
      ...(/[?&]connectTimeoutMS=/i.test(uri) ? {} : { connectTimeoutMS: 3000 }),
      // Waiting for a pooled connection has no limit by default: a primary that stopped answering would
      // queue every request behind the pool instead of answering 503.
      ...(/[?&]waitQueueTimeoutMS=/i.test(uri) ? {} : { waitQueueTimeoutMS: 3000 }),
      // A server that accepted a request but never answers must not hang a request forever.
      socketTimeoutMS: 20_000,
      writeConcern: { w: 'majority', journal: true, wtimeoutMS: 5000 },
      readConcern: { level: 'majority' },
      readPreference: 'primary',
      retryWrites: true,
      retryReads: true,
      // Optional properties set to undefined are left out, as in JSON (the default would store null).
      ignoreUndefined: true,
      ...options,
    });
    this.db = this.client.db(dbName);
    this.evaluations = this.db.collection<EvaluationRecord>('evaluations');
    this.approvals = this.db.collection<ApprovalRecord>('approvals');
    this.audit = this.db.collection<AuditEntry>('audit');
    this.leases = this.db.collection<LeaseRecord>('leases');
  }

  private documents(collection: DocumentCollection): Collection<StoredDocument> {
    if (!DOCUMENT_COLLECTIONS.includes(collection)) throw new TypeError(`unknown document collection '${String(collection)}'`);
    return this.db.collection<StoredDocument>(collection);
  }

  async init(): Promise<void> {
    await guarded(() => this.client.connect());
    // createIndexes is a no-op for indexes that already exist with the same definition.
    await guarded(() =>
      Promise.all([
        this.evaluations.createIndexes([
          { key: { id: 1 }, name: 'id_unique', unique: true },
          { key: { approvalId: 1, createdAt: -1, id: -1 }, name: 'approvalId_latest' },
        ]),
        this.approvals.createIndexes([
          { key: { id: 1 }, name: 'id_unique', unique: true },
          { key: { createdAt: 1, id: 1 }, name: 'createdAt_id' },
          // Pages of one status (the batch, the register) or one tilsyn (an inspector's list) in (createdAt, id)
          // order: without these, every page walks createdAt_id from the start and skips what does not match.
          { key: { status: 1, createdAt: 1, id: 1 }, name: 'status_createdAt_id' },
          { key: { tilsyn: 1, createdAt: 1, id: 1 }, name: 'tilsyn_createdAt_id' },
          { key: { tilsyn: 1, status: 1 }, name: 'tilsyn_status' },
          { key: { speciale: 1, level: 1, status: 1 }, name: 'speciale_level_status' },
          { key: { 'provider.tilbudId': 1 }, name: 'provider_tilbudId' },
          { key: { 'provider.cvr': 1 }, name: 'provider_cvr' },
          { key: { validUntil: 1 }, name: 'validUntil' },
          // At most one approval in force per provider, speciale and level, whatever races between instances.
          { key: { 'provider.tilbudId': 1, speciale: 1, level: 1 }, name: LIVE_UNIQUE, unique: true, partialFilterExpression: { inForce: true } },
        ]),
        this.audit.createIndexes([{ key: { seq: 1 }, name: 'seq_unique', unique: true }]),
        this.leases.createIndexes([{ key: { name: 1 }, name: 'name_unique', unique: true }]),
        ...DOCUMENT_COLLECTIONS.map((c) => this.documents(c).createIndexes([{ key: { id: 1 }, name: 'id_unique', unique: true }])),
      ]),
    );
    await this.markApprovalsInForce();
  }

  /**
   * Approvals stored before the one-in-force rule lack the inForce marker, so live_unique does not see
   * them. Each gets it, once per database: the query reads every approval in force, so a note in the
   * `migrations` collection keeps later starts from repeating it. One that would be a second in force is
   * left unmarked rather than refusing to start.
   */
  private async markApprovalsInForce(): Promise<void> {
    const migrations = this.db.collection<{ _id: string; at: string }>('migrations');
    if (await guarded(() => migrations.findOne({ _id: 'approvals.inForce' }))) return;
    const unmarked = await guarded(() =>
      this.approvals.find({ status: { $in: [...LIVE_STATUSES] }, inForce: { $exists: false } }, { projection: { _id: 0, id: 1 } }).toArray(),
    );
    for (const { id } of unmarked) {
      try {
        await this.approvals.updateOne({ id, status: { $in: [...LIVE_STATUSES] }, inForce: { $exists: false } }, { $set: { inForce: true } });
      } catch (error) {
        if (!isDuplicateKey(error)) throw mapError(error);
      }
    }
    await guarded(() => migrations.updateOne({ _id: 'approvals.inForce' }, { $set: { at: new Date().toISOString() } }, { upsert: true }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async ping(): Promise<void> {
    // A majority-acknowledged write proves more than a ping command: there is a primary, and enough
    // members to acknowledge within wtimeoutMS.
    await guarded(() =>
      this.db.collection<{ _id: string; at: string }>('health').updateOne({ _id: 'ping' }, { $set: { at: new Date().toISOString() } }, { upsert: true }),
    );
  }

  // ---- evaluations -------------------------------------------------------------------------------

  async insertEvaluation(record: EvaluationRecord): Promise<void> {
    assertId(record.id);
    await this.insertOrDuplicate(this.evaluations, 'evaluations', record);
  }

  async getEvaluation(id: string): Promise<EvaluationRecord | null> {
    return withFrozenEvidence(await this.findEvaluation(byEvaluationId(id), NO_ID));
  }

  async latestEvaluationForApproval(approvalId: string): Promise<EvaluationRecord | null> {
    return withFrozenEvidence(await this.findEvaluation(latestForApproval(approvalId), NO_ID));
  }

  async getEvaluationEvidence(id: string): Promise<EvidenceOnRecord | null> {
    return evidenceOnRecord(await this.findEvaluation(byEvaluationId(id), EVIDENCE_ONLY));
  }

  private findEvaluation(lookup: EvaluationLookup, projection: typeof NO_ID | typeof EVIDENCE_ONLY): Promise<EvaluationRecord | null> {
    return guarded(() => this.evaluations.findOne(lookup.filter, { projection, ...(lookup.sort ? { sort: lookup.sort } : {}) }));
  }

  // ---- approvals ---------------------------------------------------------------------------------

  async insertApproval(record: ApprovalRecord): Promise<void> {
    assertId(record.id);
    try {
      await this.approvals.insertOne(storedApproval(record));
    } catch (error) {
      if (isDuplicateKey(error)) throw await this.approvalConflict(record, error);
      throw mapError(error);
    }
  }

  /** Which unique index refused the approval: its id, or live_unique (another approval is in force). */
  private async approvalConflict(record: ApprovalRecord, duplicate: unknown): Promise<Error> {
    if (!violatesLiveUnique(duplicate)) return new DuplicateIdError('approvals', record.id);
    const inForce = await guarded(() =>
      this.approvals.findOne(
        { 'provider.tilbudId': record.provider.tilbudId, speciale: record.speciale, level: record.level, inForce: true },
        { projection: { _id: 0, id: 1 } },
      ),
    );
    return new ApprovalInForceError(record.id, inForce?.id);
  }

  async getApproval(id: string): Promise<ApprovalRecord | null> {
    assertId(id);
    return guarded(() => this.approvals.findOne({ id }, { projection: APPROVAL_FIELDS }));
  }

  async updateApproval(next: ApprovalRecord, expectedVersion: number): Promise<boolean> {
    assertId(next.id);
    if (!Number.isInteger(expectedVersion)) throw new TypeError('expectedVersion must be an integer');
    // Compare-and-set in one document-atomic operation: the replacement only happens if the stored
    // version is still the expected one, so of two concurrent updates exactly one matches.
    const replacement = storedApproval({ ...next, version: expectedVersion + 1 });
    try {
      const result = await this.approvals.replaceOne({ id: next.id, version: expectedVersion }, replacement);
      return result.matchedCount === 1;
    } catch (error) {
      if (isDuplicateKey(error)) throw await this.approvalConflict(next, error);
      throw mapError(error);
    }
  }

  async listApprovals(filter: ApprovalFilter, page: PageRequest): Promise<Page<ApprovalRecord>> {
    assertFilter(filter);
    assertPageRequest(page);
    const query = approvalQuery(filter);
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor);
      query.$or = [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, id: { $gt: after.id } }];
    }
    const rows = await guarded(() =>
      this.approvals.find(query, { projection: APPROVAL_FIELDS, sort: { createdAt: 1, id: 1 }, limit: page.limit + 1 }).toArray(),
    );
    return toPage(rows, page.limit);
  }

  async countApprovals(filter: ApprovalFilter): Promise<number> {
    assertFilter(filter);
    return guarded(() => this.approvals.countDocuments(approvalQuery(filter)));
  }

  /**
   * Pages of ITERATION_PAGE_SIZE through (createdAt, id), each a fresh query: memory stays bounded, no
   * server cursor can time out while a slow batch job works on an item, and approvals updated during the
   * iteration (a re-check changing a status) are neither skipped nor seen twice.
   */
  findApprovals(filter: ApprovalFilter): AsyncIterable<ApprovalRecord> {
    assertFilter(filter);
    return iterateApprovals((f, p) => this.listApprovals(f, p), filter);
  }

  // ---- audit -------------------------------------------------------------------------------------

  appendAudit(input: AuditInput): Promise<AuditEntry> {
    const task = () => this.appendAuditRacingOtherInstances(input);
    const result = this.auditQueue.then(task, task);
    this.auditQueue = result.catch(() => undefined);
    return result;
  }

  /**
   * Read the tail, build the next entry, insert it; the unique index on seq makes the insert fail if
   * another instance took that seq first, and then we read the new tail and try again.
   *
   * The tail is read at majority (the client's read concern): an entry chained onto one that is not yet
   * majority-committed could outlive it, if a fail-over rolled both back and a retried insert brought
   * back only the later one, and the chain would stay broken for good. The price is a few retries while
   * another instance's entry is being replicated.
   */
  private async appendAuditRacingOtherInstances(input: AuditInput): Promise<AuditEntry> {
    const giveUpAt = Date.now() + AUDIT_APPEND_BUDGET_MS;
    for (let attempt = 1; ; attempt++) {
      const last = await guarded(() => this.audit.findOne({}, { sort: { seq: -1 }, projection: { _id: 0, seq: 1, hash: 1 } }));
      const entry = nextAuditEntry(input, last ? { seq: last.seq, hash: last.hash } : null);
      try {
        await this.audit.insertOne({ ...entry });
        return entry;
      } catch (error) {
        if (!isDuplicateKey(error)) throw mapError(error);
        if (Date.now() >= giveUpAt) throw new StoreUnavailableError(`The audit log is busy: gave up appending after ${attempt} attempts in ${AUDIT_APPEND_BUDGET_MS} ms`);
        await sleep(Math.floor(Math.random() * 10 * Math.min(attempt, 5)));
      }
    }
  }

  async listAudit(options: { limit: number; afterSeq?: number }): Promise<AuditEntry[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('limit must be a positive integer');
    const afterSeq = options.afterSeq ?? 0;
    if (typeof afterSeq !== 'number') throw new TypeError('afterSeq must be a number');
    return guarded(() => this.audit.find({ seq: { $gt: afterSeq } }, { projection: NO_ID, sort: { seq: 1 }, limit: options.limit }).toArray());
  }

  async verifyAuditChain(): Promise<AuditVerification> {
    const cursor = this.audit.find({}, { projection: NO_ID, sort: { seq: 1 }, batchSize: 1000 });
    try {
      return await guarded(() => verifyChain(cursor));
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  // ---- leases ------------------------------------------------------------------------------------

  async acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    assertId(name, 'lease name');
    assertId(holder, 'lease holder');
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive number');
    const nowIso = now.toISOString();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    // One atomic upsert: it matches the lease if it is expired or ours (and extends it), or inserts it
    // if there is none. If someone else holds it, the filter does not match, the upsert tries to insert
    // a second document with the same name and the unique index refuses: the lease is taken.
    // Two instances racing for a free lease: one inserts, the other gets a duplicate key; it tries
    // once more, which succeeds only if the winner was itself (same holder).
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const lease = await this.leases.findOneAndUpdate(
          { name, $or: [{ expiresAt: { $lte: nowIso } }, { holder }] },
          { $set: { holder, expiresAt } },
          { upsert: true, returnDocument: 'after', projection: NO_ID },
        );
        return lease?.holder === holder;
      } catch (error) {
        if (!isDuplicateKey(error)) throw mapError(error);
      }
    }
    return false;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    assertId(name, 'lease name');
    // Checked, since a filter without a holder (the driver leaves out undefined) would release anyone's lease.
    assertId(holder, 'lease holder');
    await guarded(() => this.leases.deleteOne({ name, holder }));
  }

  // ---- small document store ----------------------------------------------------------------------

  async putDocument(collection: DocumentCollection, doc: StoredDocument): Promise<void> {
    assertStoredDocument(doc);
    const c = this.documents(collection);
    // Two concurrent upserts of a new id can both try to insert; the loser retries as a replace.
    for (let attempt = 1; ; attempt++) {
      try {
        await c.replaceOne({ id: doc.id }, withoutMongoId({ ...doc }), { upsert: true });
        return;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 2) throw mapError(error);
      }
    }
  }

  async getDocument<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, id: string): Promise<T | null> {
    assertId(id);
    const c = this.documents(collection);
    return (await guarded(() => c.findOne({ id }, { projection: NO_ID }))) as T | null;
  }

  async findDocuments<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, query: DocumentQuery): Promise<T[]> {
    assertDocumentQuery(query);
    const c = this.documents(collection);
    const rows = await guarded(() => c.find({ ...query }, { projection: NO_ID, sort: { id: 1 } }).toArray());
    // Mongo's equality also matches array elements; the contract is strict equality.
    return (rows as unknown as T[]).filter((doc) => matchesQuery(doc, query)).sort(byId);
  }

  async insertUniqueDocument(collection: DocumentCollection, doc: StoredDocument): Promise<boolean> {
    assertStoredDocument(doc);
    const c = this.documents(collection);
    try {
      await c.insertOne(withoutMongoId({ ...doc }));
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw mapError(error);
    }
  }

  private async insertOrDuplicate<T extends { id: string }>(collection: Collection<T>, name: string, record: T): Promise<void> {
    try {
      // A copy: insertOne adds `_id` to the object it is given.
      await collection.insertOne({ ...withoutMongoId(record) } as Parameters<Collection<T>['insertOne']>[0]);
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateIdError(name, record.id);
      throw mapError(error);
    }
  }
}

interface EvaluationLookup {
  filter: Filter<EvaluationRecord>;
  sort?: Record<string, 1 | -1>;
}

function byEvaluationId(id: string): EvaluationLookup {
  assertId(id);
  return { filter: { id } };
}

/** The approval's most recent evaluation: createdAt, then id, as in the embedded store. */
function latestForApproval(approvalId: string): EvaluationLookup {
  assertId(approvalId, 'approvalId');
  return { filter: { approvalId }, sort: { createdAt: -1, id: -1 } };
}

function evidenceOnRecord(row: { id: string; evidence?: unknown } | null): EvidenceOnRecord | null {
  return row ? { evaluationId: row.id, evidence: deepFreeze(row.evidence) } : null;
}

/** Evidence read back is read-only (see Store), as in the embedded store. */
function withFrozenEvidence(record: EvaluationRecord | null): EvaluationRecord | null {
  if (record) deepFreeze(record.evidence);
  return record;
}

/**
 * An approval as stored: the record (a copy without `_id`: insertOne adds one to the object it is given),
 * plus `inForce: true` while its status is in force, which is what the partial unique index live_unique covers.
 */
function storedApproval(record: ApprovalRecord): ApprovalRecord & { inForce?: true } {
  const { _id: _ignored, inForce: _marker, ...rest } = record as ApprovalRecord & { _id?: unknown; inForce?: unknown };
  return LIVE_STATUSES.includes(record.status) ? { ...rest, inForce: true } : rest;
}

/** Whether a duplicate-key error came from live_unique rather than an id index (servers before 4.4 send no keyPattern). */
export function violatesLiveUnique(error: unknown): boolean {
  const { keyPattern, errmsg, message } = error as { keyPattern?: Record<string, unknown>; errmsg?: unknown; message?: unknown };
  if (keyPattern) return 'provider.tilbudId' in keyPattern && 'level' in keyPattern;
  return new RegExp(`index: ${LIVE_UNIQUE}\\b`).test(String(errmsg ?? message));
}

function approvalQuery(filter: ApprovalFilter): Filter<ApprovalRecord> {
  const query: Filter<ApprovalRecord> = {};
  if (filter.speciale !== undefined) query.speciale = filter.speciale;
  if (filter.level !== undefined) query.level = filter.level;
  if (filter.status !== undefined) query.status = filter.status;
  if (filter.tilsyn !== undefined) query.tilsyn = filter.tilsyn;
  if (filter.tilbudId !== undefined) query['provider.tilbudId'] = filter.tilbudId;
  if (filter.cvr !== undefined) query['provider.cvr'] = filter.cvr;
  if (filter.expiringBefore !== undefined) query.validUntil = { $lt: filter.expiringBefore };
  return query;
}
