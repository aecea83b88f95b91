/** An open SQLite database with the statements the store's operations use, prepared once when it opens. */
import type Database from 'better-sqlite3';
import { StoreUnavailableError } from './errors';
import { ChangeWriter } from './sqliteCommit';
import { databaseFile, identityOf, openDatabase, type FileIdentity } from './sqliteDatabase';
import type { AuditRow } from './sqliteRows';

type EvaluationRow = { id: string; record: string; evidence: string | null; evidenceSha256: string | null };

export class Connection {
  readonly writer: ChangeWriter;
  readonly sql;
  readonly acquireLease: Database.Transaction<(name: string, holder: string, expiresAt: string, now: string) => boolean>;
  readonly releaseLease: Database.Transaction<(name: string, holder: string) => void>;
  /** Statements whose text depends on the filter or query given: one per shape, and there are few. */
  private readonly shaped = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    /** The file it has open, to notice one deleted or replaced under it. */
    readonly identity: FileIdentity,
  ) {
    const evaluationWithEvidence = 'SELECT e.id, e.record, v.json AS evidence, v.sha256 AS evidenceSha256 FROM evaluations e LEFT JOIN evidence v ON v.sha256 = e.evidence_sha256';
    this.sql = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      rollback: db.prepare('ROLLBACK'),
      head: db.prepare('SELECT seq, hash FROM audit_head WHERE one = 1'),
      evaluation: db.prepare<[string], EvaluationRow>(`${evaluationWithEvidence} WHERE e.id = ?`),
      latestEvaluation: db.prepare<[string], EvaluationRow>(`${evaluationWithEvidence} WHERE e.approval_id = ? ORDER BY e.created_at DESC, e.id DESC LIMIT 1`),
      // json_extract reads the record's evidenceHash in ~20 µs; hashing the evidence again takes ~10 times that.
      evidence: db.prepare<[string], { id: string; evidence: string | null; evidenceSha256: string | null; evidenceHash: unknown }>(
        "SELECT e.id, v.json AS evidence, v.sha256 AS evidenceSha256, json_extract(e.record, '$.evidenceHash') AS evidenceHash FROM evaluations e LEFT JOIN evidence v ON v.sha256 = e.evidence_sha256 WHERE e.id = ?",
      ),
      approval: db.prepare<[string], { record: string }>('SELECT record FROM approvals WHERE id = ?'),
      provider: db.prepare<[string], { record: string }>('SELECT record FROM providers WHERE tilbud_id = ?'),
      auditAfter: db.prepare<[number, number], AuditRow>('SELECT seq, hash, entry FROM audit WHERE seq > ? ORDER BY seq LIMIT ?'),
      newestAudit: db.prepare<[], AuditRow>('SELECT seq, hash, entry FROM audit ORDER BY seq DESC LIMIT 1'),
      lease: db.prepare<[string], { holder: string; expires_at: string }>('SELECT holder, expires_at FROM leases WHERE name = ?'),
      setLease: db.prepare('INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at'),
      deleteLease: db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?'),
      putDocument: db.prepare('INSERT INTO documents (collection, id, record) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET record = excluded.record'),
      document: db.prepare<[string, string], { record: string }>('SELECT record FROM documents WHERE collection = ? AND id = ?'),
    };
    this.writer = new ChangeWriter(db);
    this.acquireLease = db.transaction((name: string, holder: string, expiresAt: string, now: string) => {
      const current = this.sql.lease.get(name);
      if (current && current.holder !== holder && current.expires_at > now) return false;
      this.sql.setLease.run(name, holder, expiresAt);
      return true;
    });
    this.releaseLease = db.transaction((name: string, holder: string) => {
      this.sql.deleteLease.run(name, holder);
    });
  }

  statement<R>(sql: string): Database.Statement<unknown[], R> {
    let statement = this.shaped.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.shaped.set(sql, statement);
    }
    return statement as Database.Statement<unknown[], R>;
  }

  close(): void {
    this.db.close();
  }
}

/** Opens the data directory's database (creating it only with `create`) and prepares its statements. */
export function connect(dataDir: string, create: boolean, checked?: FileIdentity): Connection {
  const { db, identity } = openDatabase(dataDir, { create, ...(checked ? { checked } : {}) });
  try {
    return new Connection(db, identity);
  } catch (error) {
    db.close();
    throw error;
  }
}

export function sameFile(a: FileIdentity | null, b: FileIdentity): boolean {
  return a !== null && a.dev === b.dev && a.ino === b.ino;
}

/**
 * The connection to the database at a data directory's path, checked before each use: a file deleted or
 * replaced under it is noticed, and the file at the path is opened instead (never created: an empty
 * database would start a new record beside the old one), or StoreUnavailableError thrown while there is none.
 */
export class ConnectionAtPath {
  private readonly file: string;

  constructor(
    private readonly dataDir: string,
    private connection: Connection | null = null,
    /** The file another connection has just opened and checked: not quick-checked again at the first open. */
    private checked?: FileIdentity,
  ) {
    this.file = databaseFile(dataDir);
  }

  current(): Connection {
    const identity = identityOf(this.file);
    if (this.connection && !sameFile(identity, this.connection.identity)) this.close();
    if (!identity) throw new StoreUnavailableError(`The database file ${this.file} has disappeared`);
    if (!this.connection) {
      this.connection = connect(this.dataDir, false, this.checked);
      this.checked = undefined;
    }
    return this.connection;
  }

  /** The file the open connection has open, if one is open. */
  openIdentity(): FileIdentity | undefined {
    return this.connection?.identity;
  }

  close(): void {
    this.connection?.close();
    this.connection = null;
  }
}
