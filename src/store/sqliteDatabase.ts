/**
 * Opening the SQLite database of a data directory: refuse an old nedb directory, create the directory and
 * file readable by the owner only, check the file is sound before anything is written to it, then WAL,
 * durable commits and the schema.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LegacyStoreError, StoreIntegrityError, StoreUnavailableError } from './errors';
import { restoreAdvice, storeError } from './sqliteErrors';
import { migrate } from './sqliteSchema';

export const DB_FILE_NAME = 'specialfunktion.sqlite';
/** Datafiles of the nedb store before SQLite (any one of them marks such a directory). */
export const LEGACY_FILE_NAMES = ['approvals.db', 'audit.db', 'evaluations.db'] as const;
/** How long a write waits for another connection's write lock before SQLITE_BUSY (→ unavailable). */
export const BUSY_TIMEOUT_MS = 5000;
/** The record holds personal data (evidence): readable by the service user only. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Which file an open connection has, to notice one deleted or replaced under it. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

export interface OpenedDatabase {
  db: Database.Database;
  identity: FileIdentity;
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, DB_FILE_NAME);
}

/** Throws LegacyStoreError for a directory with nedb datafiles and no (or an empty) SQLite file. */
export function assertNotLegacy(dataDir: string): void {
  const legacy = LEGACY_FILE_NAMES.filter((name) => existsSync(path.join(dataDir, name)));
  if (legacy.length === 0) return;
  const file = databaseFile(dataDir);
  if (!existsSync(file) || statSync(file).size === 0) throw new LegacyStoreError(dataDir, legacy);
}

/**
 * Opens (with `create`, first creating) the database in dataDir. Rejects damage with
 * StoreIntegrityError before writing anything, and what may pass (directory missing or not writable,
 * file locked) with StoreUnavailableError. `checked`: the file another connection of this process has
 * just opened and checked; while it is still the file at the path, quick_check (linear in the file's
 * size) is not run again.
 */
export function openDatabase(dataDir: string, options: { create: boolean; checked?: FileIdentity }): OpenedDatabase {
  const file = databaseFile(dataDir);
  const where = { dataDir, fileName: DB_FILE_NAME };
  let db: Database.Database | undefined;
  try {
    if (options.create) {
      mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
      // Created empty with its mode first: SQLite gives the -wal and -shm files the mode of the database file.
      closeSync(openSync(file, 'a', FILE_MODE));
    } else if (!identityOf(file)) {
      throw new StoreUnavailableError(`The database file ${file} has disappeared`);
    }
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS, fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const atPath = identityOf(file);
    const checked = options.checked !== undefined && atPath !== null && atPath.dev === options.checked.dev && atPath.ino === options.checked.ino;
    if (!checked) assertSound(db, dataDir);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreUnavailableError(`Cannot switch ${file} to WAL (journal_mode is ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) chmodIfPresent(f);
    const identity = identityOf(file);
    if (!identity) throw new StoreUnavailableError(`The database file ${file} has disappeared`);
    return { db, identity };
  } catch (error) {
    db?.close();
    throw storeError(error, 'open the store', where);
  }
}

/** PRAGMA quick_check: the b-trees and their pages are well formed (in time linear in the file's size). */
function assertSound(db: Database.Database, dataDir: string): void {
  const lines = (db.pragma('quick_check(20)') as { quick_check: string }[]).map((row) => row.quick_check);
  if (lines.length === 1 && lines[0] === 'ok') return;
  const damage = lines.slice(0, 5).join('\n');
  throw new StoreIntegrityError(
    `The database file ${databaseFile(dataDir)} is damaged; quick_check reports: ${damage}. ${restoreAdvice(dataDir, DB_FILE_NAME)}`,
    { damage },
  );
}

function chmodIfPresent(file: string): void {
  try {
    chmodSync(file, FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** The file's device and inode, or null when there is no file at that path. */
export function identityOf(file: string): FileIdentity | null {
  try {
    const { dev, ino } = statSync(file);
    return { dev, ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
