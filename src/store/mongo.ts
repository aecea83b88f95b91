/**
 * Production store on MongoDB (official driver), for one or more service instances on a replica set (or
 * a sharded cluster). Longer than our usual file: it is one adapter, and its parts (start-up, the commit
 * transaction, reads) share the collections and their invariants; error classification, the transaction
 * runner and the refusal rules live beside it (mongoErrors.ts, mongoTransaction.ts, mongoRefusals.ts).
 *
 * - A change and its audit entry commit in one multi-document transaction (commit, commitMany), so a
 *   replica set is required: init refuses a standalone server. Each transaction reads the audit head
 *   document and the newest two entries, checks that they still link (brokenLink), decides every refusal
 *   by reads before writing (a write error would abort the whole transaction), writes, appends the
 *   entries and updates the head document. Every writing transaction writes that one document, so two
 *   of them (on any instances) conflict and one runs again: appends are serialised by the database.
 * - Writes are acknowledged by a majority and journaled, reads see majority-committed data (snapshot
 *   reads in transactions), so nothing a client was told about can be rolled back by a fail-over.
 * - Records are stored as they are, with the driver's `_id` alongside; every read projects `_id` away and
 *   every insert/replace gets a copy (the driver would otherwise add `_id` to the caller's object).
 * - Connection-level failures (no server / no primary / network / majority not reachable in time / a
 *   mongodb+srv name that does not resolve / no pooled connection in time), and a transaction that
 *   cannot commit within COMMIT_BUDGET_MS, become StoreUnavailableError, which the HTTP layer answers with 503.
 */
import { performance } from 'node:perf_hooks';
import { MongoClient, MongoServerError, type ClientSession, type Collection, type Db, type Filter, type MongoClientOptions } from 'mongodb';
import {
  DOCUMENT_COLLECTIONS,
  approvalOf,
  assertChange,
  assertDocumentQuery,
  assertFilter,
  assertId,
  assertPageRequest,
  assertStoredDocument,
  brokenLink,
  byId,
  decodeCursor,
  deepFreeze,
  iterateApprovals,
  matchesQuery,
  nextAuditEntry,
  toPage,
  verifyChain,
} from './common';
import { StoreIntegrityError } from './errors';
import { LIVE_UNIQUE, guarded, isDuplicateKey, mapError } from './mongoErrors';
import { refusalOf, type ChangeFacts } from './mongoRefusals';
import { COMMIT_BUDGET_MS, WriteRace, runTransaction, transactionSupportProblem } from './mongoTransaction';
import { LIVE_STATUSES } from './types';
import type {
  ApprovalFilter,
  ApprovalRecord,
  AuditEntry,
  AuditHead,
  AuditVerification,
  AuditVerifyOptions,
  Change,
  CommitOutcome,
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

export { isUnavailableError, violatesLiveUnique } from './mongoErrors';
export { transactionSupportProblem } from './mongoTransaction';

export const DEFAULT_DB_NAME = 'specialfunktion';

const NO_ID = { _id: 0 } as const;
const EVIDENCE_ONLY = { _id: 0, id: 1, evidence: 1 } as const;
/** `inForce` is the store's own marker for the live_unique index (see storedApproval), not part of the record. */
const APPROVAL_FIELDS = { _id: 0, inForce: 0 } as const;
/** The one document of the auditHead collection. */
const HEAD_ID = 'head';
/** Server error codes: the command does not exist (hello before 4.4.2), the collection exists already. */
const COMMAND_NOT_FOUND = 59;
const NAMESPACE_EXISTS = 48;
/** Give up verifying against a given head after this many tries while commits keep moving the head past it. */
const VERIFY_ATTEMPTS = 3;

/** The head recorded with every commit: the newest entry's seq, hash and time. Absent until the first entry. */
interface AuditHeadDocument {
  _id: string;
  seq: number;
  hash: string;
  at: string;
}

export class MongoStore implements Store {
  private readonly client: MongoClient;
  private readonly db: Db;
  private readonly evaluations: Collection<EvaluationRecord>;
  private readonly approvals: Collection<ApprovalRecord>;
  private readonly audit: Collection<AuditEntry>;
  private readonly auditHeads: Collection<AuditHeadDocument>;
  private readonly leases: Collection<LeaseRecord>;
  private readonly migrations: Collection<{ _id: string; at: string }>;
  /** The tail of this instance's queue of transactions (see oneAtATime). */
  private transactions: Promise<unknown> = Promise.resolve();

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
    this.evaluations = this.db.collection<EvaluationRecord>('evaluations');
    this.approvals = this.db.collection<ApprovalRecord>('approvals');
    this.audit = this.db.collection<AuditEntry>('audit');
    this.auditHeads = this.db.collection<AuditHeadDocument>('auditHead');
    this.leases = this.db.collection<LeaseRecord>('leases');
    this.migrations = this.db.collection<{ _id: string; at: string }>('migrations');
  }

  private documents(collection: DocumentCollection): Collection<StoredDocument> {
    if (!DOCUMENT_COLLECTIONS.includes(collection)) throw new TypeError(`unknown document collection '${String(collection)}'`);
    return this.db.collection<StoredDocument>(collection);
  }

  async init(): Promise<void> {
    await guarded(() => this.client.connect());
    await this.refuseServersWithoutTransactions();
    await this.createCollections();
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
          // The commit transaction reads it first (inForceQuery), so the index only ever catches a race.
          { key: { 'provider.tilbudId': 1, speciale: 1, level: 1 }, name: LIVE_UNIQUE, unique: true, partialFilterExpression: { inForce: true } },
        ]),
        this.audit.createIndexes([{ key: { seq: 1 }, name: 'seq_unique', unique: true }]),
        this.leases.createIndexes([{ key: { name: 1 }, name: 'name_unique', unique: true }]),
        ...DOCUMENT_COLLECTIONS.map((c) => this.documents(c).createIndexes([{ key: { id: 1 }, name: 'id_unique', unique: true }])),
      ]),
    );
    await this.markApprovalsInForce();
    await this.recordAuditHead();
  }

  /**
   * Multi-document transactions need a replica set or a sharded cluster; on a standalone server every
   * commit would fail. Not StoreUnavailableError: waiting will not change the server, so the start stops.
   */
  private async refuseServersWithoutTransactions(): Promise<void> {
    const admin = this.db.admin();
    const hello = await guarded(async () => {
      try {
        return await admin.command({ hello: 1 });
      } catch (error) {
        // Servers before 4.4.2 know the command by its old name.
        if (error instanceof MongoServerError && Number(error.code) === COMMAND_NOT_FOUND) return admin.command({ isMaster: 1 });
        throw error;
      }
    });
    const problem = transactionSupportProblem(hello);
    if (problem) throw new Error(problem);
  }

  /**
   * Every collection a transaction writes, created up front: a server may refuse to create one inside a
   * transaction (before 4.4, and in a transaction writing to more than one shard).
   */
  private async createCollections(): Promise<void> {
    const names = ['evaluations', 'approvals', 'audit', 'auditHead', 'leases', 'migrations', ...DOCUMENT_COLLECTIONS];
    const existing = new Set((await guarded(() => this.db.listCollections({}, { nameOnly: true }).toArray())).map((c) => c.name));
    for (const name of names.filter((n) => !existing.has(n))) {
      try {
        await this.db.createCollection(name);
      } catch (error) {
        // Another instance starting at the same moment created it first.
        if (!(error instanceof MongoServerError && Number(error.code) === NAMESPACE_EXISTS)) throw mapError(error);
      }
    }
  }

  /**
   * Approvals stored before the one-in-force rule lack the inForce marker, so live_unique does not see
   * them. Each gets it, once per database: the query reads every approval in force, so a note in the
   * `migrations` collection keeps later starts from repeating it. One that would be a second in force is
   * left unmarked rather than refusing to start.
   */
  private async markApprovalsInForce(): Promise<void> {
    if (await guarded(() => this.migrations.findOne({ _id: 'approvals.inForce' }))) return;
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
    await guarded(() => this.migrations.updateOne({ _id: 'approvals.inForce' }, { $set: { at: new Date().toISOString() } }, { upsert: true }));
  }

  /**
   * A database whose log was written before the head document existed has entries and no head: its newest
   * entry becomes the recorded head, once per database (a note in `migrations`). Once the note is there, a
   * missing head is not adopted again: a head deleted behind the service's back is a broken chain, not a
   * fresh start. Run no instance of the earlier version beside this one: its appends would not move the
   * head, and the next commit here would find the chain broken.
   */
  private async recordAuditHead(): Promise<void> {
    if (await guarded(() => this.migrations.findOne({ _id: 'audit.head' }))) return;
    const newest = await guarded(() => this.audit.findOne({}, { sort: { seq: -1 }, projection: { _id: 0, seq: 1, hash: 1, at: 1 } }));
    if (newest) {
      try {
        // $setOnInsert: a head another instance has recorded since (with a commit) is left alone.
        await this.auditHeads.updateOne({ _id: HEAD_ID }, { $setOnInsert: { seq: newest.seq, hash: newest.hash, at: newest.at } }, { upsert: true });
      } catch (error) {
        if (!isDuplicateKey(error)) throw mapError(error);
      }
    }
    await guarded(() => this.migrations.updateOne({ _id: 'audit.head' }, { $set: { at: new Date().toISOString() } }, { upsert: true }));
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

  async commit(change: Change): Promise<CommitOutcome> {
    assertChanges([change]);
    const [outcome] = await this.commitTogether([change]);
    return outcome;
  }

  async commitMany(changes: Change[]): Promise<CommitOutcome[]> {
    if (!Array.isArray(changes)) throw new TypeError('commitMany takes a list of changes');
    assertChanges(changes);
    if (changes.length === 0) return [];
    return this.commitTogether(changes);
  }

  /** The changes in one transaction, within COMMIT_BUDGET_MS of now (waiting for this instance's earlier commits included). */
  private commitTogether(changes: Change[]): Promise<CommitOutcome[]> {
    const deadline = performance.now() + COMMIT_BUDGET_MS;
    return this.oneAtATime(() => runTransaction(this.client, (session) => this.writeChanges(changes, session), deadline));
  }

  /**
   * This instance's transactions run one after the other. Every one that writes also writes the head
   * document, so two at once would only conflict, and one of them would back off and start over: the
   * database serialises them anyway, and across instances it still does.
   */
  private oneAtATime<T>(task: () => Promise<T>): Promise<T> {
    const run = this.transactions.then(task, task);
    this.transactions = run.catch(() => undefined);
    return run;
  }

  /** The transaction's body; it may run more than once (see runTransaction), so it starts from nothing each time. */
  private async writeChanges(changes: Change[], session: ClientSession): Promise<CommitOutcome[]> {
    let tail = await this.linkedTail(session);
    let appended = false;
    const outcomes: CommitOutcome[] = [];
    for (const change of changes) {
      // Reads first, then writes: a refused change writes nothing and uses no seq.
      const refusal = refusalOf(change, await this.factsOf(change, session));
      if (refusal) {
        outcomes.push({ committed: false, ...refusal });
        continue;
      }
      const entry = nextAuditEntry(change.audit, tail);
      await this.writeRecords(change, session);
      await this.audit.insertOne({ ...entry }, { session });
      outcomes.push({ committed: true, entry });
      tail = entry;
      appended = true;
    }
    if (appended && tail) {
      await this.auditHeads.updateOne({ _id: HEAD_ID }, { $set: { seq: tail.seq, hash: tail.hash, at: tail.at } }, { upsert: true, session });
    }
    return outcomes;
  }

  /** The newest entry, after checking that it still links to the chain and is the recorded head; null for an empty log. */
  private async linkedTail(session: ClientSession): Promise<AuditEntry | null> {
    const recorded = await this.auditHeads.findOne({ _id: HEAD_ID }, { session, projection: { _id: 0, seq: 1, hash: 1 } });
    const [newest, before] = await this.audit.find({}, { session, sort: { seq: -1 }, limit: 2, projection: NO_ID }).toArray();
    const previous = newest && before && before.seq === newest.seq - 1 ? before : null;
    const broken = brokenLink(newest ?? null, previous, recorded);
    if (broken) {
      throw new StoreIntegrityError(`The audit log does not link at entry ${broken.firstBrokenSeq}: ${broken.reason}. Nothing was written.`, {
        firstBrokenSeq: broken.firstBrokenSeq,
      });
    }
    return newest ?? null;
  }

  /** Reads, in the transaction, what decides whether the change is refused (see refusalOf). */
  private async factsOf(change: Change, session: ClientSession): Promise<ChangeFacts> {
    const facts: ChangeFacts = { evaluationExists: false, approvalExists: false, storedVersion: null, inForceId: undefined, documentExists: [] };
    if (change.evaluation) facts.evaluationExists = await idExists(this.evaluations, change.evaluation.id, session);
    const approval = approvalOf(change);
    if (change.approval && approval) {
      if ('insert' in change.approval) facts.approvalExists = await idExists(this.approvals, approval.id, session);
      else facts.storedVersion = (await this.approvals.findOne({ id: approval.id }, { session, projection: { _id: 0, version: 1 } }))?.version ?? null;
      if (LIVE_STATUSES.includes(approval.status)) {
        facts.inForceId = (await this.approvals.findOne(inForceQuery(approval), { session, projection: { _id: 0, id: 1 } }))?.id;
      }
    }
    for (const { collection, doc } of change.documents ?? []) facts.documentExists.push(await idExists(this.documents(collection), doc.id, session));
    return facts;
  }

  /** The change's records; its reads found nothing in the way, so a duplicate key here is a race (WriteRace, or the driver's error). */
  private async writeRecords(change: Change, session: ClientSession): Promise<void> {
    if (change.evaluation) await this.evaluations.insertOne(withoutMongoId({ ...change.evaluation }), { session });
    const approval = approvalOf(change);
    if (change.approval && approval) {
      if ('insert' in change.approval) {
        await this.approvals.insertOne(storedApproval(approval), { session });
      } else {
        // Compare-and-set: the replacement happens only if the stored version is still the expected one.
        const { expectedVersion } = change.approval;
        const { matchedCount } = await this.approvals.replaceOne({ id: approval.id, version: expectedVersion }, storedApproval(approval), { session });
        if (matchedCount !== 1) throw new WriteRace(`approval ${approval.id} was read at version ${expectedVersion} but not replaced at it`);
      }
    }
    for (const { collection, doc } of change.documents ?? []) await this.documents(collection).insertOne(withoutMongoId({ ...doc }), { session });
  }

  // ---- evaluations -------------------------------------------------------------------------------

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

  async getApproval(id: string): Promise<ApprovalRecord | null> {
    assertId(id);
    return guarded(() => this.approvals.findOne({ id }, { projection: APPROVAL_FIELDS }));
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

  async listAudit(options: { limit: number; afterSeq?: number }): Promise<AuditEntry[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('limit must be a positive integer');
    const afterSeq = options.afterSeq ?? 0;
    if (typeof afterSeq !== 'number') throw new TypeError('afterSeq must be a number');
    return guarded(() => this.audit.find({ seq: { $gt: afterSeq } }, { projection: NO_ID, sort: { seq: 1 }, limit: options.limit }).toArray());
  }

  async auditHead(): Promise<AuditHead | null> {
    const newest = await guarded(() => this.audit.findOne({}, { sort: { seq: -1 }, projection: { _id: 0, seq: 1, hash: 1, at: 1 } }));
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
        const headCameLater = options.head !== undefined && options.head.seq > upTo && attempt < VERIFY_ATTEMPTS;
        if (headCameLater && (await this.headMovedPast(upTo))) continue;
        return result;
      }
      const later = await guarded(() => this.audit.findOne({ seq: { $gt: upTo } }, { projection: { _id: 0, seq: 1 } }));
      if (!later || (await this.headMovedPast(upTo))) return result;
      return this.verifyEntries({}, recorded, options);
    }
  }

  private async verifyEntries(filter: Filter<AuditEntry>, recorded: { seq: number; hash: string } | null, options: AuditVerifyOptions): Promise<AuditVerification> {
    const cursor = this.audit.find(filter, { projection: NO_ID, sort: { seq: 1 }, batchSize: 1000 });
    try {
      return await guarded(() => verifyChain(cursor, recorded, options));
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  private async recordedHead(): Promise<{ seq: number; hash: string } | null> {
    const head = await guarded(() => this.auditHeads.findOne({ _id: HEAD_ID }, { projection: { _id: 0, seq: 1, hash: 1 } }));
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

  async putRun(doc: StoredDocument): Promise<void> {
    assertStoredDocument(doc);
    const runs = this.documents('recheckRuns');
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

async function idExists<T extends { id: string }>(collection: Collection<T>, id: string, session: ClientSession): Promise<boolean> {
  return (await collection.findOne({ id } as Filter<T>, { session, projection: { _id: 1 } })) !== null;
}

/**
 * Another approval in force for the approval's provider, speciale and level, as live_unique sees them: the
 * inForce marker, and null for a missing field (as the index keys it; with ignoreUndefined an undefined
 * value would drop the condition and match every provider).
 */
function inForceQuery(approval: ApprovalRecord): Filter<ApprovalRecord> {
  return {
    'provider.tilbudId': approval.provider?.tilbudId ?? null,
    speciale: approval.speciale ?? null,
    level: approval.level ?? null,
    inForce: true,
    id: { $ne: approval.id },
  } as Filter<ApprovalRecord>;
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

function withoutMongoId<T extends object>(value: T): T {
  const { _id: _ignored, ...rest } = value as T & { _id?: unknown };
  return rest as T;
}

/**
 * An approval as stored: the record (a copy without `_id`: insertOne adds one to the object it is given),
 * plus `inForce: true` while its status is in force, which is what the partial unique index live_unique covers.
 */
function storedApproval(record: ApprovalRecord): ApprovalRecord & { inForce?: true } {
  const { _id: _ignored, inForce: _marker, ...rest } = record as ApprovalRecord & { _id?: unknown; inForce?: unknown };
  return LIVE_STATUSES.includes(record.status) ? { ...rest, inForce: true } : rest;
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

