/**
 * The embedded store: one SQLite database, DATA_DIR/specialfunktion.sqlite, through better-sqlite3.
 *
 * Several processes may use one data directory at once (the service, a second instance, the re-check
 * job): WAL lets readers go on while one writer writes, every write is an IMMEDIATE transaction (it takes
 * the write lock before reading what it builds on, waiting up to BUSY_TIMEOUT_MS for another process to
 * finish), and nothing another process can change is kept in memory: the audit chain's tail is read
 * inside each transaction.
 *
 * Group commit: commits queued in the same turn of the event loop are written in one transaction at the
 * next setImmediate, and those that arrive while it is being written form the next one (GroupCommit,
 * ChangeWriter), so their fsyncs are shared. Each caller's promise settles after the COMMIT, which with
 * synchronous=FULL is on disk: a write that was acknowledged survives kill -9 and power loss.
 *
 * better-sqlite3 is synchronous, and a commit's SQL and fsync would hold the service's one thread (several
 * ms on a busy disk, answering nothing meanwhile): commit transactions run on a writer thread with a
 * connection of its own (sqliteWriter, sqliteWriterThread). Everything else runs on this thread: reads
 * are short (the indexes in sqliteSchema.ts serve every query), and verifying the whole chain reads it in
 * batches on a connection of its own, yielding between them.
 *
 * Failures: damage (SQLITE_CORRUPT, SQLITE_NOTADB, a failed quick_check at open) is StoreIntegrityError
 * and nothing is repaired or dropped; what may pass (I/O errors, locks held too long, disk full, the file
 * gone) is StoreUnavailableError. If the database file is deleted or replaced under an open connection,
 * the store (and its writer thread, before each group) notices before its next operation and reopens the
 * file at its path, or answers StoreUnavailableError while there is none (it never creates a new, empty
 * one after the first open).
 *
 * The file is long because the port is wide: each method is a few lines over a prepared statement; the
 * parts with their own logic live beside it (sqliteDatabase, sqliteSchema, sqliteCommit, sqliteGroupCommit,
 * sqliteWriter, sqliteConnection, sqliteRows, sqliteErrors).
 */
import { closeSync, openSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertDocumentQuery, assertEvaluationFilter, assertFilter, assertId, assertPageRequest, assertProviderFilter, assertStoredDocument, byId, createdAtRange, decodeCursor, DOCUMENT_COLLECTIONS, iterateApprovals, matchesQuery, inForcePredicate, toPage, toProviderPage, type InForce } from './common';
import { verifyChain } from './auditChain';
import { StoreUnavailableError } from './errors';
import { connect, ConnectionAtPath, type Connection } from './sqliteConnection';
import { assertNotLegacy, BUSY_TIMEOUT_MS, databaseFile, DB_FILE_NAME } from './sqliteDatabase';
import { storeError } from './sqliteErrors';
import { timedCommit } from './sqliteCommit';
import { GroupCommit } from './sqliteGroupCommit';
import { SqliteWriter } from './sqliteWriter';
import { importRows, writeImport, type ImportedRecords } from './sqliteImport';
import { auditEntryFrom, evaluationFrom, evidenceFrom, prepareChange, type AuditRow } from './sqliteRows';
import { parseStoredRecord } from './recordShape';
import type {
  ApprovalFilter,
  AtomicOutcome,
  ProviderFilter,
  StoredApproval,
  AuditEntry,
  AuditHead,
  AuditVerification,
  AuditVerifyOptions,
  CommitOutcome,
  Change,
  DocumentCollection,
  DocumentQuery,
  EvaluationFilter,
  ListedEvaluation,
  RecordTypes,
  StoreOptions,
  EvidenceOnRecord,
  Page,
  PageRequest,
  Store,
  StoredDocument,
} from './types';

/** Audit entries read per batch when verifying the chain. */
const VERIFY_BATCH = 1000;

export class SqliteStore<R extends RecordTypes = RecordTypes> implements Store<R> {
  private readonly inForce: InForce;
  readonly file: string;
  private state: 'new' | 'open' | 'closed' = 'new';
  private closing: Promise<void> | null = null;
  /** This thread's connection: everything but commits. */
  private connection: ConnectionAtPath | null = null;
  /** Commits: their transactions run on the writer thread, or (writerThread: false) on this one. */
  private readonly writer: SqliteWriter | null;
  private readonly group: GroupCommit;

  constructor(
    readonly dataDir: string,
    options: StoreOptions,
  ) {
    this.file = databaseFile(dataDir);
    this.inForce = inForcePredicate(options);
    const onTransaction = options.onTransaction;
    if (options.writerThread === false) {
      this.writer = null;
      this.group = new GroupCommit(async (jobs) => {
        const { results, transaction } = this.use('commit', (c) => timedCommit(c.writer, jobs));
        onTransaction?.(transaction);
        return results;
      });
      return;
    }
    const writer = new SqliteWriter(dataDir, {
      onTransaction,
      checkedIdentity: () => this.connection?.openIdentity(),
      onDeath: (error) => this.group.rejectQueued(error),
    });
    this.writer = writer;
    this.group = new GroupCommit((jobs) =>
      writer.commit(jobs).catch((error: unknown) => {
        throw this.mapped(error, 'commit');
      }),
    );
  }

  async init(): Promise<void> {
    if (this.state === 'open') return;
    try {
      assertNotLegacy(this.dataDir);
    } catch (error) {
      throw this.mapped(error, 'inspect the data directory');
    }
    this.connection = new ConnectionAtPath(this.dataDir, connect(this.dataDir, true));
    this.state = 'open';
  }

  /**
   * Refuses new calls with StoreUnavailableError from now on, waits for the group in flight, writes what
   * is queued, then stops the writer thread and closes.
   */
  async close(): Promise<void> {
    if (this.closing) return this.closing;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    if (!wasOpen) return;
    this.closing = (async () => {
      try {
        await this.group.drain();
        await this.writer?.close();
      } finally {
        this.connection?.close();
        this.connection = null;
      }
    })();
    return this.closing;
  }

  async ping(): Promise<void> {
    this.use('reach the store', (c) => {
      c.sql.head.get();
      // Taking the write lock proves the file can be written (and that no other process holds it too long).
      c.sql.begin.run();
      c.sql.rollback.run();
      // Permission bits, checked by opening as this process (access(2) would ask for the real uid): a
      // connection already open goes on writing, but the next start (or the -wal file's return) needs them.
      closeSync(openSync(this.file, 'r+'));
      const probe = path.join(this.dataDir, `.ping-${process.pid}`);
      closeSync(openSync(probe, 'w', 0o600));
      unlinkSync(probe);
    });
  }

  /** What the connection runs with (for the start-up log and tests). */
  settings(): { journalMode: string; synchronous: number; foreignKeys: boolean; busyTimeoutMs: number; schemaVersion: number } {
    return this.use('read the settings', ({ db }) => ({
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
      synchronous: db.pragma('synchronous', { simple: true }) as number,
      foreignKeys: db.pragma('foreign_keys', { simple: true }) === 1,
      busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
    }));
  }

  // ---- writes ------------------------------------------------------------------------------------

  async commit(change: Change<R>): Promise<CommitOutcome> {
    const [outcome] = await this.commitMany([change]);
    return outcome;
  }

  async commitMany(changes: Change<R>[]): Promise<CommitOutcome[]> {
    if (!Array.isArray(changes)) throw new TypeError('commitMany takes an array of changes');
    this.assertOpen();
    const prepared = changes.map((change) => prepareChange(change, this.inForce));
    if (prepared.length === 0) return [];
    const outcome = await this.group.enqueue({ changes: prepared, atomic: false });
    if (!('outcomes' in outcome)) throw new Error('a job that is not atomic was refused as a whole');
    return outcome.outcomes;
  }

  async commitAll(changes: Change<R>[]): Promise<AtomicOutcome> {
    if (!Array.isArray(changes)) throw new TypeError('commitAll takes an array of changes');
    this.assertOpen();
    const prepared = changes.map((change) => prepareChange(change, this.inForce));
    if (prepared.length === 0) return { committed: true, entries: [] };
    const outcome = await this.group.enqueue({ changes: prepared, atomic: true });
    if ('refused' in outcome) return { committed: false, index: outcome.refused.index, ...outcome.refused.refusal };
    return { committed: true, entries: outcome.outcomes.map((o) => (o as { entry: AuditEntry }).entry) };
  }

  /**
   * Writes a whole record (the earlier nedb store's, `npm run import-nedb`) into this store, which must
   * hold none, in one transaction: audit entries as given (their seq and hashes kept), audit_head at the
   * last. Rejects with ImportRefusedError, writing nothing, when the store holds a record, the entries do
   * not form a chain, or a row cannot be stored (an id twice, a second approval in force). See sqliteImport.ts.
   */
  async importRecords(records: ImportedRecords): Promise<void> {
    this.assertOpen();
    const rows = await importRows(records, this.inForce);
    this.use('import the record', (c) => writeImport(c.db, rows));
  }

  // ---- evaluations -------------------------------------------------------------------------------

  async getEvaluation(id: string): Promise<R['evaluation'] | null> {
    assertId(id);
    const row = this.use('read an evaluation', (c) => c.sql.evaluation.get(id));
    return row ? evaluationFrom<R['evaluation']>(row) : null;
  }

  async latestEvaluationForApproval(approvalId: string): Promise<R['evaluation'] | null> {
    assertId(approvalId, 'approvalId');
    const row = this.use('read an evaluation', (c) => c.sql.latestEvaluation.get(approvalId));
    return row ? evaluationFrom<R['evaluation']>(row) : null;
  }

  async getEvaluationEvidence(id: string): Promise<EvidenceOnRecord<R['evaluation']['evidence']> | null> {
    assertId(id);
    const row = this.use('read evidence', (c) => c.sql.evidence.get(id));
    if (!row) return null;
    const onRecord: EvidenceOnRecord<R['evaluation']['evidence']> = { evaluationId: row.id, evidence: evidenceFrom(row.evidence, row.id, row.evidenceSha256) as R['evaluation']['evidence'] };
    if (typeof row.evidenceHash === 'string') onRecord.evidenceHash = row.evidenceHash;
    return onRecord;
  }

  async listEvaluations(filter: EvaluationFilter, page: PageRequest): Promise<Page<ListedEvaluation<R['evaluation']>>> {
    assertEvaluationFilter(filter);
    assertPageRequest(page);
    const where = evaluationWhere(filter);
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor);
      where.clauses.push('(created_at, id) > (?, ?)');
      where.params.push(after.createdAt, after.id);
    }
    const sql = `SELECT id, record FROM evaluations ${whereSql(where.clauses)} ORDER BY created_at, id LIMIT ?`;
    const rows = this.use('list evaluations', (c) => c.statement<{ id: string; record: string }>(sql).all(...where.params, page.limit + 1));
    return toPage(
      rows.map((row) => parseStoredRecord<ListedEvaluation<R['evaluation']>>('evaluations', row.id, row.record)),
      page.limit,
    );
  }

  // ---- providers ---------------------------------------------------------------------------------

  async getProvider(tilbudId: string): Promise<R['provider'] | null> {
    assertId(tilbudId, 'tilbudId');
    const row = this.use('read a provider', (c) => c.sql.provider.get(tilbudId));
    return row ? parseStoredRecord<R['provider']>('providers', tilbudId, row.record) : null;
  }

  async listProviders(filter: ProviderFilter, page: PageRequest): Promise<Page<R['provider']>> {
    assertProviderFilter(filter);
    assertPageRequest(page);
    const clauses: string[] = [];
    const params: string[] = [];
    if (filter.tilsyn !== undefined) {
      clauses.push('tilsyn = ?');
      params.push(filter.tilsyn);
    }
    if (filter.kommunekode !== undefined) {
      clauses.push('kommunekode = ?');
      params.push(filter.kommunekode);
    }
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor);
      clauses.push('(created_at, tilbud_id) > (?, ?)');
      params.push(after.createdAt, after.id);
    }
    const sql = `SELECT tilbud_id AS id, record FROM providers ${whereSql(clauses)} ORDER BY created_at, tilbud_id LIMIT ?`;
    const rows = this.use('list providers', (c) => c.statement<{ id: string; record: string }>(sql).all(...params, page.limit + 1));
    return toProviderPage(
      rows.map((row) => parseStoredRecord<R['provider']>('providers', row.id, row.record)),
      page.limit,
    );
  }

  // ---- approvals ---------------------------------------------------------------------------------

  async getApproval(id: string): Promise<R['approval'] | null> {
    assertId(id);
    const row = this.use('read an approval', (c) => c.sql.approval.get(id));
    return row ? parseStoredRecord<R['approval']>('approvals', id, row.record) : null;
  }

  async listApprovals(filter: ApprovalFilter, page: PageRequest): Promise<Page<R['approval']>> {
    assertFilter(filter);
    assertPageRequest(page);
    const where = approvalWhere(filter);
    if (page.cursor !== undefined) {
      const after = decodeCursor(page.cursor);
      where.clauses.push('(created_at, id) > (?, ?)');
      where.params.push(after.createdAt, after.id);
    }
    const sql = `SELECT id, record FROM approvals ${whereSql(where.clauses)} ORDER BY created_at, id LIMIT ?`;
    const rows = this.use('list approvals', (c) => c.statement<{ id: string; record: string }>(sql).all(...where.params, page.limit + 1));
    return toPage(
      rows.map((row) => parseStoredRecord<R['approval']>('approvals', row.id, row.record)),
      page.limit,
    );
  }

  async countApprovals(filter: ApprovalFilter): Promise<number> {
    assertFilter(filter);
    const where = approvalWhere(filter);
    const sql = `SELECT COUNT(*) AS n FROM approvals ${whereSql(where.clauses)}`;
    return this.use('count approvals', (c) => (c.statement<{ n: number }>(sql).get(...where.params) as { n: number }).n);
  }

  findApprovals(filter: ApprovalFilter): AsyncIterable<R['approval']> {
    assertFilter(filter);
    return iterateApprovals((f, page) => this.listApprovals(f, page), filter);
  }

  // ---- audit -------------------------------------------------------------------------------------

  async listAudit(options: { limit: number; afterSeq?: number }): Promise<AuditEntry[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('limit must be a positive integer');
    const afterSeq = options.afterSeq ?? 0;
    return this.use('read the audit log', (c) => c.sql.auditAfter.all(afterSeq, options.limit)).map(auditEntryFrom);
  }

  async auditHead(): Promise<AuditHead | null> {
    const row = this.use('read the audit log', (c) => c.sql.newestAudit.get());
    if (!row) return null;
    const entry = auditEntryFrom(row);
    return { seq: entry.seq, hash: entry.hash, at: entry.at };
  }

  /**
   * Reads the chain in batches inside one read transaction of a connection of its own: the entries and
   * the recorded head are one snapshot, while commits on the store's connection go on.
   */
  async verifyAuditChain(options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    this.use('verify the audit log', () => undefined);
    const where = { dataDir: this.dataDir, fileName: DB_FILE_NAME };
    let reader: Database.Database | undefined;
    try {
      reader = new Database(this.file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
      const db = reader;
      db.prepare('BEGIN').run();
      const head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE one = 1').get() ?? null;
      const batch = db.prepare<[number, number], AuditRow>('SELECT seq, hash, entry FROM audit WHERE seq > ? ORDER BY seq LIMIT ?');
      const isOpen = () => this.state === 'open';
      async function* entries(): AsyncGenerator<AuditEntry> {
        for (let after = 0; ; ) {
          const rows = batch.all(after, VERIFY_BATCH);
          for (const row of rows) yield auditEntryFrom(row);
          if (rows.length < VERIFY_BATCH) return;
          after = rows[rows.length - 1].seq;
          await new Promise((resolve) => setImmediate(resolve));
          if (!isOpen()) throw new StoreUnavailableError('The store was closed while the audit log was being verified');
        }
      }
      return await verifyChain(entries(), head, options);
    } catch (error) {
      throw storeError(error, 'verify the audit log', where);
    } finally {
      reader?.close();
    }
  }

  // ---- leases ------------------------------------------------------------------------------------

  async acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    assertId(name, 'lease name');
    assertId(holder, 'lease holder');
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('ttlMs must be a positive number');
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    return this.use('take a lease', (c) => c.acquireLease.immediate(name, holder, expiresAt, now.toISOString()));
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    assertId(name, 'lease name');
    assertId(holder, 'lease holder');
    this.use('release a lease', (c) => c.releaseLease.immediate(name, holder));
  }

  // ---- documents ---------------------------------------------------------------------------------

  async putRun(doc: StoredDocument): Promise<void> {
    assertStoredDocument(doc);
    const record = JSON.stringify(doc);
    this.use('store a run record', (c) => c.sql.putDocument.run('recheckRuns', doc.id, record));
  }

  async getDocument<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, id: string): Promise<T | null> {
    assertCollection(collection);
    assertId(id);
    const row = this.use('read a document', (c) => c.sql.document.get(collection, id));
    return row ? parseStoredRecord<T>(collection, id, row.record) : null;
  }

  async findDocuments<T extends StoredDocument = StoredDocument>(collection: DocumentCollection, query: DocumentQuery): Promise<T[]> {
    assertCollection(collection);
    assertDocumentQuery(query);
    // Narrowed in SQL on the keys that make a plain JSON path; equality there is loose (true = 1), so
    // every document is checked again with strict equality.
    const narrowed = Object.entries(query).filter(([key]) => SIMPLE_KEY.test(key));
    const sql = `SELECT id, record FROM documents WHERE collection = ?${narrowed.map(() => ' AND json_extract(record, ?) = ?').join('')}`;
    const params = narrowed.flatMap(([key, value]) => [`$.${key}`, typeof value === 'boolean' ? Number(value) : value]);
    const rows = this.use('find documents', (c) => c.statement<{ id: string; record: string }>(sql).all(collection, ...params));
    return rows
      .map((row) => parseStoredRecord<T>(collection, row.id, row.record))
      .filter((doc) => matchesQuery(doc, query))
      .sort(byId);
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.state === 'new') throw new StoreUnavailableError('The store has not been opened');
    if (this.state === 'closed') throw new StoreUnavailableError('The store is closed');
  }

  /** Runs `operation` on the open connection, with errors as the port defines them. */
  private use<T>(what: string, operation: (c: Connection) => T): T {
    try {
      this.assertOpen();
      return operation(this.current());
    } catch (error) {
      throw this.mapped(error, what);
    }
  }

  /** The connection, reopened first if its file was deleted or replaced since it was opened. */
  private current(): Connection {
    if (!this.connection) throw new StoreUnavailableError('The store is closed');
    return this.connection.current();
  }

  private mapped(error: unknown, what: string): unknown {
    return storeError(error, what, { dataDir: this.dataDir, fileName: DB_FILE_NAME });
  }
}

/** Keys used as JSON paths in SQL; others are matched in JavaScript only. */
const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function assertCollection(collection: DocumentCollection): void {
  if (!DOCUMENT_COLLECTIONS.includes(collection)) throw new TypeError(`unknown document collection '${String(collection)}'`);
}

function approvalWhere(filter: ApprovalFilter): { clauses: string[]; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    clauses.push(`${column} = ?`);
    params.push(value);
  };
  equal('speciale', filter.speciale);
  equal('level', filter.level);
  equal('status', filter.status);
  equal('tilsyn', filter.tilsyn);
  equal('tilbud_id', filter.tilbudId);
  equal('cvr', filter.cvr);
  if (filter.expiringBefore !== undefined) {
    clauses.push('valid_until < ?');
    params.push(filter.expiringBefore);
  }
  return { clauses, params };
}

function evaluationWhere(filter: EvaluationFilter): { clauses: string[]; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  const add = (clause: string, value: string | undefined) => {
    if (value === undefined) return;
    clauses.push(clause);
    params.push(value);
  };
  add('tilbud_id = ?', filter.tilbudId);
  add('speciale = ?', filter.speciale);
  add('tilsyn = ?', filter.tilsyn);
  const { since, before } = createdAtRange(filter);
  add('created_at >= ?', since);
  add('created_at < ?', before);
  return { clauses, params };
}

function whereSql(clauses: string[]): string {
  return clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
}
