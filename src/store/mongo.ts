/**
 * Production store on MongoDB (official driver), for one or more service instances on a replica set (or
 * a sharded cluster). Its parts: the collections and init (mongoSchema.ts), the commit transaction's body
 * (mongoCommit.ts) and its refusal rules (mongoRefusals.ts), the transaction runner and the server check
 * (mongoTransaction.ts), error classification (mongoErrors.ts). Here: the client, commits, reads, the
 * audit log's head and verification, leases and documents. The file is long because the port is wide (a
 * few lines per method, each a query); the parts with logic of their own live in the files above.
 *
 * - A change and its audit entry commit in one multi-document transaction (commit, commitMany), so a
 *   replica set is required: init refuses a standalone server. Every writing transaction writes the one
 *   audit head document, so appends are serialised by the database across instances; within an instance
 *   they also queue, so they do not conflict with each other.
 * - Writes are acknowledged by a majority and journaled, reads see majority-committed data (snapshot
 *   reads in transactions), so nothing a client was told about can be rolled back by a fail-over.
 * - Records are stored as they are, with the driver's `_id` alongside; every read projects `_id` away and
 *   every insert/replace gets a copy (the driver would otherwise add `_id` to the caller's object).
 * - Connection-level failures (no server / no primary / network / majority not reachable in time / a
 *   mongodb+srv name that does not resolve / no pooled connection in time), and a commit that cannot be
 *   made in time, become StoreUnavailableError, which the HTTP layer answers with 503.
 */
import { performance } from 'node:perf_hooks';
import { MongoClient, type Db, type Filter, type MongoClientOptions } from 'mongodb';
import { assertChange, assertDocumentQuery, assertEvaluationFilter, assertFilter, assertId, assertPageRequest, assertProviderFilter, assertStoredDocument, byId, createdAtRange, decodeCursor, deepFreeze, inForcePredicate, iterateApprovals, matchesQuery, toPage, toProviderPage } from './common';
import { nextAuditEntry, verifyChain } from './auditChain';
import { StoreUnavailableError } from './errors';
import { AtomicRefusal, ChangeWriter, withoutMongoId } from './mongoCommit';
import { checkStoredRecord } from './recordShape';
import { guarded, isDuplicateKey, mapError } from './mongoErrors';
import { HEAD_ID, collectionsOf, prepareDatabase, type MongoCollections, type MongoEvaluation } from './mongoSchema';
import { COMMIT_BUDGET_MS, runTransaction } from './mongoTransaction';
import type {
  ApprovalFilter,
  AtomicOutcome,
  ProviderFilter,
  StoredProvider,
  StoredApproval,
  AuditEntry,
  AuditHead,
  AuditVerification,
  AuditVerifyOptions,
  Change,
  CommitOutcome,
  DocumentCollection,
  DocumentQuery,
  EvaluationFilter,
  ListedEvaluation,
  StoredEvaluation,
  RecordTypes,
  StoreOptions,
  EvidenceOnRecord,
  Page,
  PageRequest,
  Store,
  StoredDocument,
} from './types';

export { isUnavailableError, violatesLiveUnique } from './mongoErrors';
export { transactionSupportProblem } from './mongoTransaction';

export const DEFAULT_DB_NAME = 'specialfunktion';

const NO_ID = { _id: 0 } as const;
const EVIDENCE_ONLY = { _id: 0, id: 1, evidence: 1, evidenceHash: 1 } as const;
/** `providerTilsyn` is the store's own listing field (see mongoSchema.ts), not part of the record. */
const EVALUATION_FIELDS = { _id: 0, providerTilsyn: 0 } as const;
const LISTED_EVALUATION_FIELDS = { _id: 0, providerTilsyn: 0, evidence: 0 } as const;
/** `inForce` is the store's own marker for the live_unique index (see mongoSchema.ts), not part of the record. */
const APPROVAL_FIELDS = { _id: 0, inForce: 0 } as const;
/** How long a commit may wait for this instance's earlier commits; its own transaction then has COMMIT_BUDGET_MS. */
const QUEUE_WAIT_MS = 5000;
/** Tries at verifying against a given head while commits keep moving the recorded head past what was read. */
const VERIFY_ATTEMPTS = 3;

export class MongoStore<R extends RecordTypes = RecordTypes> implements Store<R> {
  private readonly client: MongoClient;
  private readonly db: Db;
  private readonly c: MongoCollections;
  private readonly writer: ChangeWriter;
  /** The tail of this instance's queue of commits (see oneAtATime). */
  private commits: Promise<unknown> = Promise.resolve();

  private readonly inForceStatuses: readonly string[];

  constructor(uri: string, dbName: string, storeOptions: StoreOptions, options: MongoClientOptions = {}) {
    const inForce = inForcePredicate(storeOptions);
    this.inForceStatuses = [...storeOptions.inForceStatuses];
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
      // Outside transactions; a transaction has its own (TRANSACTION_OPTIONS), to the same effect.
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
    this.c = collectionsOf(this.db);
    this.writer = new ChangeWriter(this.c, inForce);
  }

  async init(): Promise<void> {
    await guarded(() => this.client.connect());
    await prepareDatabase(this.db, this.c, this.inForceStatuses);
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

  // ---- commits -----------------------------------------------------------------------------------

  async commit(change: Change<R>): Promise<CommitOutcome> {
    assertChanges([change]);
    const [outcome] = await this.commitTogether([change]);
    return outcome;
  }

  async commitMany(changes: Change<R>[]): Promise<CommitOutcome[]> {
    if (!Array.isArray(changes)) throw new TypeError('commitMany takes a list of changes');
    assertChanges(changes);
    if (changes.length === 0) return [];
    return this.commitTogether(changes);
  }

  async commitAll(changes: Change<R>[]): Promise<AtomicOutcome> {
    if (!Array.isArray(changes)) throw new TypeError('commitAll takes a list of changes');
    assertChanges(changes);
    if (changes.length === 0) return { committed: true, entries: [] };
    try {
      const outcomes = await this.commitTogether(changes, true);
      return { committed: true, entries: outcomes.map((o) => (o as { entry: AuditEntry }).entry) };
    } catch (error) {
      if (error instanceof AtomicRefusal) return { committed: false, index: error.index, ...error.refusal };
      throw error;
    }
  }

  /** The changes in one transaction (see mongoCommit.ts), given COMMIT_BUDGET_MS from when its turn comes. */
  private commitTogether(changes: Change[], atomic = false): Promise<CommitOutcome[]> {
    const queued = performance.now();
    return this.oneAtATime(() => {
      const waited = performance.now() - queued;
      if (waited > QUEUE_WAIT_MS) {
        throw new StoreUnavailableError(`MongoDB is busy: the commit waited ${Math.round(waited)} ms for the earlier ones of this instance and was not tried`);
      }
      return runTransaction(this.client, (session) => this.writer.write(changes, session, atomic), performance.now() + COMMIT_BUDGET_MS);
    });
  }

  /**
   * This instance's commits run one after the other. Every one that writes also writes the head document,
   * so two at once would only conflict and one of them back off and start over: the database would
   * serialise them anyway (as it does across instances), at the cost of work thrown away and waits.
   */
  private oneAtATime<T>(task: () => Promise<T>): Promise<T> {
    const run = this.commits.then(task, task);
    this.commits = run.catch(() => undefined);
    return run;
  }

  // ---- evaluations -------------------------------------------------------------------------------

  async getEvaluation(id: string): Promise<R['evaluation'] | null> {
    return withFrozenEvidence<R['evaluation']>(await this.findEvaluation(byEvaluationId(id), EVALUATION_FIELDS));
  }

  async latestEvaluationForApproval(approvalId: string): Promise<R['evaluation'] | null> {
    return withFrozenEvidence<R['evaluation']>(await this.findEvaluation(latestForApproval(approvalId), EVALUATION_FIELDS));
  }

  async getEvaluationEvidence(id: string): Promise<EvidenceOnRecord<R['evaluation']['evidence']> | null> {
    return evidenceOnRecord<R['evaluation']['evidence']>(await this.findEvaluation(byEvaluationId(id), EVIDENCE_ONLY));
  }

  private findEvaluation(lookup: EvaluationLookup, projection: typeof EVALUATION_FIELDS | typeof EVIDENCE_ONLY): Promise<StoredEvaluation | null> {
    return guarded(() => this.c.evaluations.findOne<StoredEvaluation>(lookup.filter, { projection, ...(lookup.sort ? { sort: lookup.sort } : {}) }));
  }

  async listEvaluations(filter: EvaluationFilter, page: PageRequest): Promise<Page<ListedEvaluation<R['evaluation']>>> {
    assertEvaluationFilter(filter);
    assertPageRequest(page);
    const query = evaluationQuery(filter);
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor);
      query.$or = [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, id: { $gt: after.id } }];
    }
    const rows = await guarded(() =>
      this.c.evaluations
        .find<ListedEvaluation<R['evaluation']>>(query, { projection: LISTED_EVALUATION_FIELDS, sort: { createdAt: 1, id: 1 }, limit: page.limit + 1 })
        .toArray(),
    );
    return toPage(rows, page.limit);
  }

  // ---- providers ---------------------------------------------------------------------------------

  async getProvider(tilbudId: string): Promise<R['provider'] | null> {
    assertId(tilbudId, 'tilbudId');
    return guarded(() => this.c.providers.findOne<R['provider']>({ tilbudId }, { projection: NO_ID }));
  }

  async listProviders(filter: ProviderFilter, page: PageRequest): Promise<Page<R['provider']>> {
    assertProviderFilter(filter);
    assertPageRequest(page);
    const query: Filter<StoredProvider> = {};
    if (filter.tilsyn !== undefined) query.tilsyn = filter.tilsyn;
    if (filter.kommunekode !== undefined) query.kommunekode = filter.kommunekode;
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor);
      query.$or = [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, tilbudId: { $gt: after.id } }];
    }
    const rows = await guarded(() =>
      this.c.providers.find<R['provider']>(query, { projection: NO_ID, sort: { createdAt: 1, tilbudId: 1 }, limit: page.limit + 1 }).toArray(),
    );
    return toProviderPage(rows, page.limit);
  }

  // ---- approvals ---------------------------------------------------------------------------------

  async getApproval(id: string): Promise<R['approval'] | null> {
    assertId(id);
    const doc = await guarded(() => this.c.approvals.findOne<R['approval']>({ id }, { projection: APPROVAL_FIELDS }));
    return doc === null ? null : checkStoredRecord<R['approval']>('approvals', id, doc);
  }

  async listApprovals(filter: ApprovalFilter, page: PageRequest): Promise<Page<R['approval']>> {
    assertFilter(filter);
    assertPageRequest(page);
    const query = approvalQuery(filter);
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor);
      query.$or = [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, id: { $gt: after.id } }];
    }
    const rows = await guarded(() =>
      this.c.approvals.find<R['approval']>(query, { projection: APPROVAL_FIELDS, sort: { createdAt: 1, id: 1 }, limit: page.limit + 1 }).toArray(),
    );
    return toPage(
      rows.map((doc) => checkStoredRecord<R['approval']>('approvals', typeof doc?.id === 'string' ? doc.id : '(uden id)', doc)),
      page.limit,
    );
  }

  async countApprovals(filter: ApprovalFilter): Promise<number> {
    assertFilter(filter);
    return guarded(() => this.c.approvals.countDocuments(approvalQuery(filter)));
  }

  /**
   * Pages of ITERATION_PAGE_SIZE through (createdAt, id), each a fresh query: memory stays bounded, no
   * server cursor can time out while a slow batch job works on an item, and approvals updated during the
   * iteration (a re-check changing a status) are neither skipped nor seen twice.
   */
  findApprovals(filter: ApprovalFilter): AsyncIterable<R['approval']> {
    assertFilter(filter);
    return iterateApprovals((f, p) => this.listApprovals(f, p), filter);
  }

  // ---- audit -------------------------------------------------------------------------------------

  async listAudit(options: { limit: number; afterSeq?: number }): Promise<AuditEntry[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('limit must be a positive integer');
    const afterSeq = options.afterSeq ?? 0;
    if (typeof afterSeq !== 'number') throw new TypeError('afterSeq must be a number');
    return guarded(() => this.c.audit.find({ seq: { $gt: afterSeq } }, { projection: NO_ID, sort: { seq: 1 }, limit: options.limit }).toArray());
  }

  async auditHead(): Promise<AuditHead | null> {
    const newest = await guarded(() => this.c.audit.findOne({}, { sort: { seq: -1 }, projection: { _id: 0, seq: 1, hash: 1, at: 1 } }));
    return newest ? { seq: newest.seq, hash: newest.hash, at: newest.at } : null;
  }

  /**
   * The chain as of the head recorded when the verification starts. Entries up to that head cannot change
   * while the service runs (a commit only adds after it), so a break found there is real; entries after it
   * are either commits made since (the head has moved past them: the next verification covers them) or
   * entries no commit recorded, and then the whole log is checked against the head, which names the first
   * wrong one. Reading the head and then every entry without this would report a commit made in between as
   * a break.
   */
  async verifyAuditChain(options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.recordedHead();
      const upTo = recorded?.seq ?? 0;
      const result = await this.verifyEntries({ seq: { $lte: upTo } }, recorded, options);
      if (!result.ok) {
        // A given head newer than the recorded one read above: a commit may have come in between.
        const givenIsNewer = options.head !== undefined && options.head.seq > upTo && attempt < VERIFY_ATTEMPTS;
        if (givenIsNewer && (await this.headMovedPast(upTo))) continue;
        return result;
      }
      const later = await guarded(() => this.c.audit.findOne({ seq: { $gt: upTo } }, { projection: { _id: 0, seq: 1 } }));
      if (!later || (await this.headMovedPast(upTo))) return result;
      return this.verifyEntries({}, recorded, options);
    }
  }

  private async verifyEntries(filter: Filter<AuditEntry>, recorded: { seq: number; hash: string } | null, options: AuditVerifyOptions): Promise<AuditVerification> {
    const cursor = this.c.audit.find(filter, { projection: NO_ID, sort: { seq: 1 }, batchSize: 1000 });
    try {
      return await guarded(() => verifyChain(cursor, recorded, options));
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  private async recordedHead(): Promise<{ seq: number; hash: string } | null> {
    const head = await guarded(() => this.c.auditHead.findOne({ _id: HEAD_ID }, { projection: { _id: 0, seq: 1, hash: 1 } }));
    return head ? { seq: head.seq, hash: head.hash } : null;
  }

  private async headMovedPast(seq: number): Promise<boolean> {
    const head = await this.recordedHead();
    return head !== null && head.seq > seq;
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
        const lease = await this.c.leases.findOneAndUpdate(
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
    await guarded(() => this.c.leases.deleteOne({ name, holder }));
  }

  // ---- small document store ----------------------------------------------------------------------

  async putRun(doc: StoredDocument): Promise<void> {
    assertStoredDocument(doc);
    const runs = this.c.documents('recheckRuns');
    // Two concurrent upserts of a new id can both try to insert; the loser retries as a replace.
    for (let attempt = 1; ; attempt++) {
      try {
        await runs.replaceOne({ id: doc.id }, withoutMongoId({ ...doc }), { upsert: true });
        return;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 2) throw mapError(error);
      }
    }
  }

  async getDocument<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, id: string): Promise<T | null> {
    assertId(id);
    const c = this.c.documents(collection);
    return (await guarded(() => c.findOne({ id }, { projection: NO_ID }))) as T | null;
  }

  async findDocuments<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, query: DocumentQuery): Promise<T[]> {
    assertDocumentQuery(query);
    const c = this.c.documents(collection);
    const rows = await guarded(() => c.find({ ...query }, { projection: NO_ID, sort: { id: 1 } }).toArray());
    // Mongo's equality also matches array elements; the contract is strict equality.
    return (rows as unknown as T[]).filter((doc) => matchesQuery(doc, query)).sort(byId);
  }
}

/**
 * Argument checks before any I/O, the audit entry included: building it throws for fields that are not
 * strings or a summary that is not JSON, which inside the transaction would abort the other changes too.
 */
function assertChanges(changes: Change[]): void {
  for (const change of changes) {
    assertChange(change);
    nextAuditEntry(change.audit, null);
  }
}

interface EvaluationLookup {
  filter: Filter<StoredEvaluation>;
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

function evidenceOnRecord<Evidence>(row: { id: string; evidence?: unknown; evidenceHash?: unknown } | null): EvidenceOnRecord<Evidence> | null {
  if (!row) return null;
  const onRecord: EvidenceOnRecord<Evidence> = { evaluationId: row.id, evidence: deepFreeze(row.evidence) as Evidence };
  if (typeof row.evidenceHash === 'string') onRecord.evidenceHash = row.evidenceHash;
  return onRecord;
}

/** Evidence read back is read-only (see Store), as in the embedded store. */
function withFrozenEvidence<E extends StoredEvaluation>(record: StoredEvaluation | null): E | null {
  if (record) deepFreeze(record.evidence);
  return record as E | null;
}

function evaluationQuery(filter: EvaluationFilter): Filter<MongoEvaluation> {
  const query: Filter<MongoEvaluation> = {};
  if (filter.tilbudId !== undefined) query['provider.tilbudId'] = filter.tilbudId;
  if (filter.speciale !== undefined) query.speciale = filter.speciale;
  if (filter.tilsyn !== undefined) query.providerTilsyn = filter.tilsyn;
  const { since, before } = createdAtRange(filter);
  if (since !== undefined || before !== undefined) {
    query.createdAt = { ...(since !== undefined ? { $gte: since } : {}), ...(before !== undefined ? { $lt: before } : {}) };
  }
  return query;
}

function approvalQuery(filter: ApprovalFilter): Filter<StoredApproval> {
  const query: Filter<StoredApproval> = {};
  if (filter.speciale !== undefined) query.speciale = filter.speciale;
  if (filter.level !== undefined) query.level = filter.level;
  if (filter.status !== undefined) query.status = filter.status;
  if (filter.tilsyn !== undefined) query.tilsyn = filter.tilsyn;
  if (filter.tilbudId !== undefined) query['provider.tilbudId'] = filter.tilbudId;
  if (filter.cvr !== undefined) query['provider.cvr'] = filter.cvr;
  if (filter.expiringBefore !== undefined) query.validUntil = { $lt: filter.expiringBefore };
  return query;
}
