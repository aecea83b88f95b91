/**
 * The tables of the SQLite store, by schema version. `PRAGMA user_version` holds the version a database
 * has; opening applies the steps it lacks, in one IMMEDIATE transaction, so a later version can migrate
 * and two processes opening a new data directory at once create the tables once.
 *
 * Records are kept as JSON text (`record`), read back exactly as written; the columns beside them are
 * copies of the fields queries and constraints need, written from the record in the same statement.
 *
 * - evidence: the evidence of evaluations, keyed by the sha256 of its JSON text. A re-check evaluates
 *   unchanged evidence again; its new evaluation refers to the row already there instead of storing the
 *   same tens of kilobytes once more.
 * - evaluations: the record without its evidence, and the evidence's key.
 * - approvals: the record, its query columns, and `in_force` (1 while its status is in force, else NULL):
 *   a partial unique index keeps one approval in force per provider, speciale and level.
 * - audit: the hash chain. `entry` holds the entry's fields other than seq and hash, which are columns.
 * - audit_head: one row, the newest entry's seq and hash, written by every commit. An entry cut from the
 *   end of the log no longer matches it.
 * - leases, documents: operational state (batch leases, run records, idempotency keys).
 *
 * Version 2 (the provider register, evaluations listed):
 * - providers: the register, one row per tilbudId: the record, its `tilsyn` and `kommunekode`, and a version
 *   for compare-and-set updates (a provider moved to another municipality).
 * - evaluations gain `tilbud_id`, `speciale` and `tilsyn` columns, filled from each record (existing rows
 *   are backfilled from theirs), with an index per filter in (created_at, id) order. `tilsyn` is the
 *   provider's: the register's for a registered provider (written with the evaluation, and rewritten for
 *   all of a provider's evaluations when the register's tilsyn changes), else the evidence's. The
 *   records themselves, and the evidence, are never rewritten.
 */
import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 2;

/** MIGRATIONS[v] takes a database from version v to v + 1. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE IF NOT EXISTS evidence (
    sha256 TEXT PRIMARY KEY,
    json TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS evaluations (
    id TEXT PRIMARY KEY,
    approval_id TEXT,
    created_at TEXT NOT NULL,
    evidence_sha256 TEXT REFERENCES evidence (sha256),
    record TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS evaluations_by_approval ON evaluations (approval_id, created_at, id);

  CREATE TABLE IF NOT EXISTS approvals (
    id TEXT PRIMARY KEY,
    speciale TEXT NOT NULL,
    level TEXT NOT NULL,
    status TEXT NOT NULL,
    tilsyn TEXT,
    tilbud_id TEXT NOT NULL,
    cvr TEXT,
    valid_until TEXT,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    in_force INTEGER CHECK (in_force = 1),
    record TEXT NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS approvals_one_in_force ON approvals (tilbud_id, speciale, level) WHERE in_force = 1;
  CREATE INDEX IF NOT EXISTS approvals_by_created ON approvals (created_at, id);
  CREATE INDEX IF NOT EXISTS approvals_by_status ON approvals (status, created_at, id);
  CREATE INDEX IF NOT EXISTS approvals_by_tilsyn ON approvals (tilsyn, created_at, id);
  CREATE INDEX IF NOT EXISTS approvals_by_provider ON approvals (tilbud_id, created_at, id);

  CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    entry TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS audit_head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
  );

  CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  );
  `,
  `
  CREATE TABLE providers (
    tilbud_id TEXT PRIMARY KEY,
    tilsyn TEXT NOT NULL,
    kommunekode TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX providers_by_created ON providers (created_at, tilbud_id);
  CREATE INDEX providers_by_tilsyn ON providers (tilsyn, created_at, tilbud_id);
  CREATE INDEX providers_by_kommune ON providers (kommunekode, created_at, tilbud_id);

  ALTER TABLE evaluations ADD COLUMN tilbud_id TEXT;
  ALTER TABLE evaluations ADD COLUMN speciale TEXT;
  ALTER TABLE evaluations ADD COLUMN tilsyn TEXT;
  UPDATE evaluations SET
    tilbud_id = json_extract(record, '$.provider.tilbudId'),
    speciale = json_extract(record, '$.speciale'),
    tilsyn = json_extract(record, '$.provider.tilsyn');
  CREATE INDEX evaluations_by_created ON evaluations (created_at, id);
  CREATE INDEX evaluations_by_provider ON evaluations (tilbud_id, created_at, id);
  CREATE INDEX evaluations_by_speciale ON evaluations (speciale, created_at, id);
  CREATE INDEX evaluations_by_tilsyn ON evaluations (tilsyn, created_at, id);
  `,
];

/** A database written by a later version of the service, which this one cannot read safely. */
export class NewerSchemaError extends Error {
  override readonly name = 'NewerSchemaError';
}

/** Brings the schema to SCHEMA_VERSION. Takes the write lock only when there is something to do. */
export function migrate(db: Database.Database): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const check = (v: number) => {
    if (v > SCHEMA_VERSION) throw new NewerSchemaError(`The database has schema version ${v}; this version of the service knows up to ${SCHEMA_VERSION}. Run the newer version.`);
  };
  check(version());
  if (version() === SCHEMA_VERSION) return;
  db.transaction(() => {
    const from = version();
    check(from);
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
