/**
 * The store contract's harness for SqliteStore: a data directory of its own, and backdoors that change
 * the database through a second connection, as someone with access to the file could while the service
 * runs. The store keeps nothing in memory, so it goes on with the same instance.
 */
import { STORE_OPTIONS, type ContractRecords } from './fixtures';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/store/sqlite';
import { type AuditEntry } from '../../../src/store/types';
import type { ApprovalRecord } from '../../../src/approvals/records';
import { IN_FORCE_STATUSES, isInForce } from '../../../src/approvals/status';
import type { StoreHarness } from '../contract';

export const DB_FILE = 'specialfunktion.sqlite';

export function tempDir(prefix = 'sf-sqlite-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function openStore(dataDir: string, options: { writerThread?: boolean } = {}): Promise<SqliteStore<ContractRecords>> {
  const store = new SqliteStore<ContractRecords>(dataDir, { ...STORE_OPTIONS, ...options });
  await store.init();
  return store;
}

/** Runs `fn` on a connection of its own to the data directory's database, in one transaction. */
export function withDatabase<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, DB_FILE), { fileMustExist: true, timeout: 5000 });
  try {
    return db.transaction(() => fn(db)).immediate();
  } finally {
    db.close();
  }
}

function writeAudit(db: Database.Database, entry: AuditEntry): void {
  const { seq, hash, ...rest } = entry;
  db.prepare('INSERT INTO audit (seq, hash, entry) VALUES (?, ?, ?)').run(seq, hash, JSON.stringify(rest));
}

function setHead(db: Database.Database, head: { seq: number; hash: string } | null): void {
  db.prepare('DELETE FROM audit_head').run();
  if (head) db.prepare('INSERT INTO audit_head (one, seq, hash) VALUES (1, ?, ?)').run(head.seq, head.hash);
}

/** The harness for the store as the service opens it: commits on its writer thread. */
export function sqliteHarness(): Promise<StoreHarness> {
  return harnessWith({});
}

/** The harness for the store as the jobs open it: commits on the caller's thread. */
export function sqliteHarnessCommittingOnCallersThread(): Promise<StoreHarness> {
  return harnessWith({ writerThread: false });
}

async function harnessWith(options: { writerThread?: boolean }): Promise<StoreHarness> {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const harness: StoreHarness = {
    store: await openStore(dataDir, options),
    async reopen() {
      await harness.store.close();
      harness.store = await openStore(dataDir, options);
      return harness.store;
    },
    async tamperAudit(seq, change) {
      withDatabase(dataDir, (db) => {
        const row = db.prepare('SELECT seq, hash, entry FROM audit WHERE seq = ?').get(seq) as { seq: number; hash: string; entry: string } | undefined;
        if (!row) throw new Error(`audit entry ${seq} not found`);
        const entry = { ...(JSON.parse(row.entry) as AuditEntry), seq: row.seq, hash: row.hash, ...change };
        db.prepare('DELETE FROM audit WHERE seq = ?').run(seq);
        writeAudit(db, entry);
      });
      return harness.store;
    },
    async deleteAuditFrom(seq, { fixHead }) {
      withDatabase(dataDir, (db) => {
        db.prepare('DELETE FROM audit WHERE seq >= ?').run(seq);
        if (fixHead) setHead(db, (db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined) ?? null);
      });
      return harness.store;
    },
    async replaceAudit(entries, head) {
      withDatabase(dataDir, (db) => {
        db.prepare('DELETE FROM audit').run();
        for (const entry of entries) writeAudit(db, entry);
        setHead(db, head);
      });
      return harness.store;
    },
    async tamperApproval(id, change) {
      withDatabase(dataDir, (db) => {
        const row = db.prepare('SELECT record FROM approvals WHERE id = ?').get(id) as { record: string } | undefined;
        if (!row) throw new Error(`approval ${id} not found`);
        const record: ApprovalRecord = { ...(JSON.parse(row.record) as ApprovalRecord), ...change };
        db.prepare('UPDATE approvals SET status = ?, version = ?, in_force = ?, tilbud_id = ?, speciale = ?, level = ?, record = ? WHERE id = ?').run(
          record.status,
          record.version,
          isInForce(record.status) ? 1 : null,
          record.provider.tilbudId,
          record.speciale,
          record.level,
          JSON.stringify(record),
          id,
        );
      });
      return harness.store;
    },
    async destroy() {
      await harness.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
