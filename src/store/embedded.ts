/**
 * Single-instance store on @seald-io/nedb: one append-only datafile per collection under dataDir.
 *
 * Durability: nedb applies a write to its in-memory copy and then appends the new document to the
 * datafile before its promise resolves (lib/datastore.js _insertAsync / _updateAsync →
 * persistNewStateAsync, which appendThrough routes to a synchronous write on a kept descriptor). So once
 * one of our write promises resolves, the line is in the kernel and survives kill -9 of this process.
 * (Appends are not fsync'ed; an OS crash or power loss can lose the last seconds, like Redis'
 * appendfsync=no. Load-time compaction does fsync.)
 *
 * Inserts name nedb's own _id (the record id, or the audit seq), which saves nedb drawing a random one.
 *
 * Failure: if the append fails (directory unwritable, disk full), nedb has already changed its memory
 * and does not roll back. Each collection therefore runs every operation through its own queue, and
 * after any failed operation drops its in-memory copy; the next operation reloads from the datafile
 * first (what the file says is the truth), and answers StoreUnavailableError until that works again.
 *
 * Storage format: each document is stored as a few top-level fields used for queries and indexes plus
 * `doc`, the record as a JSON string. nedb refuses field names with '.' or a leading '$', and evidence,
 * results, summaries and details are free-form JSON, so they are kept opaque; it also guarantees the
 * record reads back exactly as written.
 *
 * Evaluations are the exception: nedb keeps every document in memory, and an evaluation record (evidence
 * plus explanation) is tens of kilobytes, so a store with many re-checks would not fit. Their records go
 * to evaluation-bodies.jsonl (see EvaluationBodies) and the nedb entry holds only the indexed fields and
 * the record's position there.
 *
 * Only one process may open a dataDir at a time (nedb keeps everything in memory).
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import Datastore from '@seald-io/nedb';
import { AppendOnlyFile } from './appendOnlyFile';
import { EvaluationBodies, type BodySlots } from './evaluationBodies';
import {
  assertDocumentQuery,
  assertFilter,
  assertId,
  assertPageRequest,
  assertStoredDocument,
  byId,
  decodeCursor,
  deepFreeze,
  isPlainFieldName,
  ITERATION_PAGE_SIZE,
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

/** nedb's datastore over our envelopes; query objects are nedb's untyped query language. */
type Db = Datastore<Record<string, unknown>>;
type NedbQuery = Record<string, unknown>;

interface EvaluationEnvelope {
  id: string;
  approvalId?: string;
  createdAt: string;
  /** Where the record is in the bodies file. */
  body: BodySlots['body'];
  evidence?: BodySlots['evidence'];
}

interface ApprovalEnvelope {
  id: string;
  speciale: string;
  level: string;
  status: string;
  tilsyn: string;
  tilbudId: string;
  cvr: string;
  validUntil: string;
  createdAt: string;
  version: number;
  /** Present while the approval is in force: [tilbudId, speciale, level] as JSON, unique among those present. */
  liveKey?: string;
  doc: string;
}

interface AuditEnvelope {
  seq: number;
  doc: string;
}

interface DocumentEnvelope {
  id: string;
  /** The document's top-level scalar fields with plain names, for querying. */
  fields: Record<string, string | number | boolean>;
  doc: string;
}

const DOCUMENT_COLLECTIONS: readonly DocumentCollection[] = ['recheckRuns', 'capacityChanges', 'rechecks'];

/** Datafiles may hold personal data (evidence): readable by the service user only. */
const MODES = { fileMode: 0o600, dirMode: 0o700 };

export class EmbeddedStore implements Store {
  private readonly evaluations: Collection;
  /** Evaluation records (evidence and explanation, tens of KB each) live on disk, not in nedb's memory. */
  private readonly evaluationBodies: EvaluationBodies;
  private readonly approvals: Collection;
  private readonly audit: Collection;
  private readonly leases: Collection;
  private readonly documents: Record<DocumentCollection, Collection>;
  /** Last audit entry (seq, hash), cached so appends need no sort; reset whenever the audit file is (re)loaded. */
  private auditTail: { seq: number; hash: string } | null | undefined;

  constructor(readonly dataDir: string) {
    const file = (name: string) => path.join(dataDir, `${name}.db`);
    this.evaluations = new Collection(file('evaluations'), [
      { fieldName: 'id', unique: true },
      { fieldName: 'approvalId', sparse: true },
    ]);
    this.evaluationBodies = new EvaluationBodies(path.join(dataDir, 'evaluation-bodies.jsonl'), MODES.fileMode);
    this.approvals = new Collection(file('approvals'), [
      { fieldName: 'id', unique: true },
      { fieldName: 'liveKey', unique: true, sparse: true },
    ]);
    this.audit = new Collection(file('audit'), [{ fieldName: 'seq', unique: true }], () => {
      this.auditTail = undefined;
    });
    this.leases = new Collection(file('leases'), [{ fieldName: 'name', unique: true }]);
    this.documents = {
      recheckRuns: new Collection(file('recheckRuns'), [{ fieldName: 'id', unique: true }]),
      capacityChanges: new Collection(file('capacityChanges'), [{ fieldName: 'id', unique: true }]),
      rechecks: new Collection(file('rechecks'), [{ fieldName: 'id', unique: true }]),
    };
  }

  private all(): Collection[] {
    return [this.evaluations, this.approvals, this.audit, this.leases, ...DOCUMENT_COLLECTIONS.map((c) => this.documents[c])];
  }

  async init(): Promise<void> {
    try {
      await fs.mkdir(this.dataDir, { recursive: true, mode: MODES.dirMode });
    } catch (error) {
      throw new StoreUnavailableError(`Cannot create data directory ${this.dataDir}: ${(error as Error).message}`, { cause: error });
    }
    // Loading compacts each datafile (nedb rewrites it from memory at the end of every load), so the
    // append-only files shrink back to one line per document at every start.
    for (const collection of this.all()) await collection.open();
    this.evaluationBodies.open();
    await this.keyApprovalsInForce();
  }

  /**
   * Approvals written before the one-in-force rule have no liveKey, so the unique index does not see
   * them. Each gets its key now; one that would be a second in force (stored before the rule) is left
   * without, rather than refusing to open the store.
   */
  private async keyApprovalsInForce(): Promise<void> {
    await this.approvals.run(async (db) => {
      const unkeyed = await db.findAsync({ status: { $in: [...LIVE_STATUSES] }, liveKey: { $exists: false } });
      for (const row of unkeyed) {
        const envelope = approvalEnvelope(parseDoc<ApprovalRecord>(row) as ApprovalRecord);
        try {
          await db.updateAsync({ id: envelope.id, liveKey: { $exists: false } }, { $set: { liveKey: envelope.liveKey } }, {});
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((c) => c.close()));
    this.evaluationBodies.close();
  }

  async ping(): Promise<void> {
    // Reload any collection whose last write failed, then prove we can create a file in the directory
    // and append to every datafile (an append of nothing still needs write access).
    for (const collection of this.all()) await collection.run(async () => undefined);
    try {
      const probe = path.join(this.dataDir, `.ping-${process.pid}`);
      await fs.writeFile(probe, '', { mode: MODES.fileMode });
      await fs.unlink(probe);
      for (const collection of this.all()) {
        const handle = await fs.open(collection.filename, fsConstants.O_WRONLY | fsConstants.O_APPEND);
        await handle.close();
      }
      this.evaluationBodies.assertWritable();
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(`Data directory ${this.dataDir} is not writable: ${(error as Error).message}`, { cause: error });
    }
  }

  // ---- evaluations -------------------------------------------------------------------------------

  async insertEvaluation(record: EvaluationRecord): Promise<void> {
    assertId(record.id);
    // The body goes first; the index entry that makes it visible is written only once the body is in the file.
    const envelope: EvaluationEnvelope = {
      id: record.id,
      ...(record.approvalId !== undefined ? { approvalId: record.approvalId } : {}),
      createdAt: record.createdAt,
      ...this.evaluationBodies.write(record),
    };
    await this.evaluations.run(async (db) => {
      try {
        await db.insertAsync({ ...envelope, _id: record.id });
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateIdError('evaluations', record.id);
        throw error;
      }
    });
  }

  async getEvaluation(id: string): Promise<EvaluationRecord | null> {
    return this.readEvaluation(await this.evaluationEntry(id));
  }

  async latestEvaluationForApproval(approvalId: string): Promise<EvaluationRecord | null> {
    return this.readEvaluation(await this.latestEvaluationEntry(approvalId));
  }

  async getEvaluationEvidence(id: string): Promise<EvidenceOnRecord | null> {
    return this.readEvidence(await this.evaluationEntry(id));
  }

  /** The index entry of an evaluation (or, from older data directories, the inline record). */
  private async evaluationEntry(id: string): Promise<Record<string, unknown> | null> {
    assertId(id);
    return this.evaluations.run(async (db) => db.findOneAsync({ id }));
  }

  private async latestEvaluationEntry(approvalId: string): Promise<Record<string, unknown> | undefined> {
    assertId(approvalId, 'approvalId');
    const rows = await this.evaluations.run(async (db) => db.findAsync({ approvalId }).sort({ createdAt: -1, id: -1 }).limit(1));
    return rows[0];
  }

  private async readEvaluation(row: Record<string, unknown> | null | undefined): Promise<EvaluationRecord | null> {
    if (!row) return null;
    // Data directories written before bodies moved out of nedb hold the record inline.
    if (typeof row.doc === 'string') {
      const record = parseDoc<EvaluationRecord>(row) as EvaluationRecord;
      deepFreeze(record.evidence);
      return record;
    }
    const { id, body, evidence } = row as unknown as EvaluationEnvelope;
    return this.evaluationBodies.read(id, { body, ...(evidence ? { evidence } : {}) });
  }

  private async readEvidence(row: Record<string, unknown> | null | undefined): Promise<EvidenceOnRecord | null> {
    if (!row) return null;
    if (typeof row.doc === 'string') {
      const record = (await this.readEvaluation(row)) as EvaluationRecord;
      return { evaluationId: record.id, evidence: record.evidence };
    }
    const { id, body, evidence } = row as unknown as EvaluationEnvelope;
    return { evaluationId: id, evidence: this.evaluationBodies.readEvidence({ body, ...(evidence ? { evidence } : {}) }) };
  }

  // ---- approvals ---------------------------------------------------------------------------------

  async insertApproval(record: ApprovalRecord): Promise<void> {
    assertId(record.id);
    const envelope = approvalEnvelope(record);
    await this.approvals.run(async (db) => {
      try {
        await db.insertAsync({ ...envelope, _id: record.id });
      } catch (error) {
        if (isUniqueViolation(error)) throw await approvalConflict(db, envelope, error);
        throw error;
      }
    });
  }

  async getApproval(id: string): Promise<ApprovalRecord | null> {
    assertId(id);
    return this.approvals.run(async (db) => parseDoc<ApprovalRecord>(await db.findOneAsync({ id })));
  }

  async updateApproval(next: ApprovalRecord, expectedVersion: number): Promise<boolean> {
    assertId(next.id);
    if (!Number.isInteger(expectedVersion)) throw new TypeError('expectedVersion must be an integer');
    const envelope = approvalEnvelope({ ...next, version: expectedVersion + 1 });
    // Compare-and-set: the version is part of the query, and the collection's queue (like nedb's own
    // executor) runs one operation at a time, so of two updates expecting the same version one matches.
    return this.approvals.run(async (db) => {
      try {
        const { numAffected } = await db.updateAsync({ id: next.id, version: expectedVersion }, envelope, {});
        return numAffected === 1;
      } catch (error) {
        if (isUniqueViolation(error)) throw await approvalConflict(db, envelope, error);
        throw error;
      }
    });
  }

  async listApprovals(filter: ApprovalFilter, page: PageRequest): Promise<Page<ApprovalRecord>> {
    assertFilter(filter);
    assertPageRequest(page);
    const query = approvalQuery(filter);
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor);
      query.$or = [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, id: { $gt: after.id } }];
    }
    return this.approvals.run(async (db) => {
      const rows = await db.findAsync(query).sort({ createdAt: 1, id: 1 }).limit(page.limit + 1);
      return toPage(rows.map((row) => parseDoc<ApprovalRecord>(row) as ApprovalRecord), page.limit);
    });
  }

  async countApprovals(filter: ApprovalFilter): Promise<number> {
    assertFilter(filter);
    const query = approvalQuery(filter);
    return this.approvals.run(async (db) => db.countAsync(query) as unknown as Promise<number>);
  }

  findApprovals(filter: ApprovalFilter): AsyncIterable<ApprovalRecord> {
    assertFilter(filter);
    return this.iterateApprovals(approvalQuery(filter));
  }

  /**
   * nedb sorts every match of a query before it applies a limit, so paging through n approvals by
   * cursor costs n²/page. Instead: the matching keys once, sorted, then a page of records at a time by
   * id, each page re-queried so that an approval which no longer matches is left out. Approvals
   * inserted after the start are not visited.
   */
  private async *iterateApprovals(query: NedbQuery): AsyncGenerator<ApprovalRecord> {
    const keys = await this.approvals.run(async (db) => (await db.findAsync(query, { id: 1, createdAt: 1, _id: 0 })) as unknown as { id: string; createdAt: string }[]);
    keys.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let start = 0; start < keys.length; start += ITERATION_PAGE_SIZE) {
      const ids = keys.slice(start, start + ITERATION_PAGE_SIZE).map((k) => k.id);
      const rows = await this.approvals.run(async (db) => db.findAsync({ ...query, id: { $in: ids } }));
      const byId = new Map(rows.map((row) => [row.id as string, row]));
      for (const id of ids) {
        const row = byId.get(id);
        if (row) yield parseDoc<ApprovalRecord>(row) as ApprovalRecord;
      }
    }
  }

  // ---- audit -------------------------------------------------------------------------------------

  async appendAudit(input: AuditInput): Promise<AuditEntry> {
    // The audit collection's queue serialises appends in this process: reading the tail, building the
    // entry and inserting it happen with no other audit operation in between.
    return this.audit.run(async (db) => {
      for (let attempt = 1; ; attempt++) {
        if (this.auditTail === undefined) {
          const rows = await db.findAsync({}).sort({ seq: -1 }).limit(1);
          const last = rows.length > 0 ? (parseDoc<AuditEntry>(rows[0]) as AuditEntry) : null;
          this.auditTail = last ? { seq: last.seq, hash: last.hash } : null;
        }
        const entry = nextAuditEntry(input, this.auditTail);
        const envelope: AuditEnvelope = { seq: entry.seq, doc: JSON.stringify(entry) };
        try {
          await db.insertAsync({ ...envelope, _id: `seq-${entry.seq}` });
        } catch (error) {
          // Only possible if the cached tail is stale; read it again once.
          if (isUniqueViolation(error) && attempt === 1) {
            this.auditTail = undefined;
            continue;
          }
          throw error;
        }
        this.auditTail = { seq: entry.seq, hash: entry.hash };
        return entry;
      }
    });
  }

  async listAudit(options: { limit: number; afterSeq?: number }): Promise<AuditEntry[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('limit must be a positive integer');
    const afterSeq = options.afterSeq ?? 0;
    return this.audit.run(async (db) => {
      const rows = await db.findAsync({ seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(options.limit);
      return rows.map((row) => parseDoc<AuditEntry>(row) as AuditEntry);
    });
  }

  async verifyAuditChain(): Promise<AuditVerification> {
    // Take a snapshot of the stored lines inside one queued operation (references only: audit documents
    // are never updated), then check it outside the queue so appends are not held up meanwhile.
    const rows = await this.audit.run(async (db) =>
      db.getAllData().map((row) => ({ seq: row.seq as number, doc: row.doc as string })),
    );
    rows.sort((a, b) => a.seq - b.seq);
    return verifyChain(parseInBatches(rows));
  }

  // ---- leases ------------------------------------------------------------------------------------

  async acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    assertId(name, 'lease name');
    assertId(holder, 'lease holder');
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive number');
    const lease: LeaseRecord = { name, holder, expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
    const nowIso = now.toISOString();
    return this.leases.run(async (db) => {
      const current = (await db.findOneAsync({ name })) as unknown as LeaseRecord | null;
      if (!current) {
        await db.insertAsync({ ...lease, _id: name });
        return true;
      }
      if (current.holder !== holder && current.expiresAt > nowIso) return false;
      await db.updateAsync({ name }, { ...lease }, {});
      return true;
    });
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    assertId(name, 'lease name');
    assertId(holder, 'lease holder');
    await this.leases.run(async (db) => {
      await db.removeAsync({ name, holder }, {});
    });
  }

  // ---- small document store ----------------------------------------------------------------------

  async putDocument(collection: DocumentCollection, doc: StoredDocument): Promise<void> {
    assertStoredDocument(doc);
    const envelope = documentEnvelope(doc);
    await this.documentCollection(collection).run(async (db) => {
      await db.updateAsync({ id: doc.id }, envelope, { upsert: true });
    });
  }

  async getDocument<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, id: string): Promise<T | null> {
    assertId(id);
    return this.documentCollection(collection).run(async (db) => parseDoc<T>(await db.findOneAsync({ id })));
  }

  async findDocuments<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, query: DocumentQuery): Promise<T[]> {
    assertDocumentQuery(query);
    const nedbQuery: NedbQuery = {};
    for (const [key, value] of Object.entries(query)) nedbQuery[`fields.${key}`] = value;
    return this.documentCollection(collection).run(async (db) => {
      const rows = await db.findAsync(nedbQuery);
      return rows
        .map((row) => parseDoc<T>(row) as T)
        .filter((doc) => matchesQuery(doc, query))
        .sort(byId);
    });
  }

  async insertUniqueDocument(collection: DocumentCollection, doc: StoredDocument): Promise<boolean> {
    assertStoredDocument(doc);
    const envelope = documentEnvelope(doc);
    return this.documentCollection(collection).run(async (db) => {
      try {
        await db.insertAsync({ ...envelope, _id: doc.id });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    });
  }

  private documentCollection(collection: DocumentCollection): Collection {
    const c = DOCUMENT_COLLECTIONS.includes(collection) ? this.documents[collection] : undefined;
    if (!c) throw new TypeError(`unknown document collection '${String(collection)}'`);
    return c;
  }
}

/**
 * One nedb datafile, with a queue that runs its operations one at a time and a rule: after an operation
 * fails for any reason other than a unique-index violation (which nedb checks before touching memory or
 * file), the in-memory copy is dropped and reloaded from the datafile before the next operation.
 */
class Collection {
  private db: Db | null = null;
  /** The datafile, opened once per load for nedb's appends (see appendThrough). */
  private datafile: AppendOnlyFile | null = null;
  private opened = false;
  private closed = false;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly filename: string,
    private readonly indexes: { fieldName: string; unique?: boolean; sparse?: boolean }[],
    private readonly onLoad: () => void = () => undefined,
  ) {}

  /** First open: creates the datafile if it does not exist yet. */
  async open(): Promise<void> {
    this.closed = false;
    await this.run(async () => undefined);
  }

  /** Refuses new operations, waits for the queued ones, then drops the in-memory copy. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    this.drop();
  }

  private drop(): void {
    this.db = null;
    this.datafile?.close();
    this.datafile = null;
  }

  run<T>(operation: (db: Db) => Promise<T>): Promise<T> {
    // Checked when queued, so operations queued before close() still complete.
    if (this.closed) return Promise.reject(new StoreUnavailableError('The store is closed'));
    const task = async (): Promise<T> => {
      const db = this.db ?? (await this.load());
      try {
        return await operation(db);
      } catch (error) {
        if (isUniqueViolation(error) || error instanceof DuplicateIdError || error instanceof ApprovalInForceError) throw error;
        // Memory may now hold a change the datafile does not: reload before anything else runs.
        this.drop();
        if (isIoError(error)) throw new StoreUnavailableError(`Cannot write ${this.filename}: ${(error as Error).message}`, { cause: error });
        throw error;
      }
    };
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async load(): Promise<Db> {
    try {
      // After the first open the datafile must still be there: if it vanished (volume unmounted,
      // directory deleted) we refuse to carry on with a fresh empty one.
      if (this.opened && !(await exists(this.filename)) && !(await exists(`${this.filename}~`))) {
        throw Object.assign(new Error(`datafile ${this.filename} has disappeared`), { code: 'ENOENT', syscall: 'stat' });
      }
      // nedb reads the datafile through a stream whose errors it does not handle: an unreadable file
      // (EACCES, EISDIR) raises an uncaught exception and leaves the load pending forever. Check first.
      await assertReadableIfPresent(this.filename);
      await assertReadableIfPresent(`${this.filename}~`);
      const db: Db = new Datastore<Record<string, unknown>>({ filename: this.filename, modes: MODES });
      await db.loadDatabaseAsync();
      for (const index of this.indexes) await db.ensureIndexAsync(index);
      // Opened after loading: the load's compaction replaces the datafile.
      const datafile = new AppendOnlyFile(this.filename, MODES.fileMode);
      datafile.open();
      appendThrough(db, datafile);
      this.datafile = datafile;
      this.db = db;
      this.opened = true;
      this.onLoad();
      return db;
    } catch (error) {
      throw new StoreUnavailableError(`Cannot load ${this.filename}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/**
 * nedb appends every change with fs.appendFile: an open, a write and a close, each a round trip through
 * the thread pool. Its Persistence offers no hook for how it writes, so this replaces the one method that
 * appends, on this datastore only, with a synchronous append through the kept descriptor. The bytes are
 * the same: nedb's serializer differs from JSON.stringify only for Dates, and envelopes hold none.
 */
function appendThrough(db: Db, datafile: AppendOnlyFile): void {
  const persistence = db.persistence as unknown as { persistNewStateAsync?: (docs: object[]) => Promise<void> };
  if (typeof persistence.persistNewStateAsync !== 'function') throw new Error('this nedb version has no persistNewStateAsync to append through');
  persistence.persistNewStateAsync = async (docs) => {
    if (docs.length > 0) datafile.append(docs.map((doc) => JSON.stringify(doc)));
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Opens the file for reading (if it exists) and checks it is a regular file. */
async function assertReadableIfPresent(file: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: 'EISDIR', syscall: 'open' });
  } finally {
    await handle.close();
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { errorType?: unknown } | null)?.errorType === 'uniqueViolated';
}

/** Errors from the file system carry an errno code and the failing syscall. */
function isIoError(error: unknown): boolean {
  const e = error as { code?: unknown; syscall?: unknown } | null;
  return typeof e?.code === 'string' && typeof e.syscall === 'string';
}

function parseDoc<T>(row: Record<string, unknown> | null | undefined): T | null {
  if (!row) return null;
  return JSON.parse(row.doc as string) as T;
}

async function* parseInBatches(rows: { doc: string }[]): AsyncGenerator<AuditEntry> {
  for (let i = 0; i < rows.length; i++) {
    // Let other work run now and then while a long chain is checked.
    if (i > 0 && i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    yield JSON.parse(rows[i].doc) as AuditEntry;
  }
}

/** Which unique index refused the approval: its id, or its liveKey (another approval is in force). nedb rolls the write back. */
async function approvalConflict(db: Db, envelope: ApprovalEnvelope, violation: unknown): Promise<Error> {
  if (envelope.liveKey === undefined || (violation as { key?: unknown }).key !== envelope.liveKey) return new DuplicateIdError('approvals', envelope.id);
  const inForce = await db.findOneAsync({ liveKey: envelope.liveKey });
  return new ApprovalInForceError(envelope.id, typeof inForce?.id === 'string' ? inForce.id : undefined);
}

function approvalEnvelope(record: ApprovalRecord): ApprovalEnvelope {
  return {
    id: record.id,
    speciale: record.speciale,
    level: record.level,
    status: record.status,
    tilsyn: record.tilsyn,
    tilbudId: record.provider.tilbudId,
    cvr: record.provider.cvr,
    validUntil: record.validUntil,
    createdAt: record.createdAt,
    version: record.version,
    ...(LIVE_STATUSES.includes(record.status) ? { liveKey: JSON.stringify([record.provider.tilbudId, record.speciale, record.level]) } : {}),
    doc: JSON.stringify(record),
  };
}

function approvalQuery(filter: ApprovalFilter): NedbQuery {
  const query: NedbQuery = {};
  if (filter.speciale !== undefined) query.speciale = filter.speciale;
  if (filter.level !== undefined) query.level = filter.level;
  if (filter.status !== undefined) query.status = filter.status;
  if (filter.tilsyn !== undefined) query.tilsyn = filter.tilsyn;
  if (filter.tilbudId !== undefined) query.tilbudId = filter.tilbudId;
  if (filter.cvr !== undefined) query.cvr = filter.cvr;
  if (filter.expiringBefore !== undefined) query.validUntil = { $lt: filter.expiringBefore };
  return query;
}

function documentEnvelope(doc: StoredDocument): DocumentEnvelope {
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (isPlainFieldName(key) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) fields[key] = value;
  }
  return { id: doc.id, fields, doc: JSON.stringify(doc) };
}
