/**
 * What an error from SQLite (or from the file system around it) means for the caller: the data is
 * damaged (an operator restores a backup), the store is unavailable for now (503, retried), or neither
 * (a bug, passed on as it is).
 */
import { StoreIntegrityError, StoreUnavailableError } from './errors';

/** Primary result codes (extended codes such as SQLITE_IOERR_WRITE belong to them). */
const DAMAGE = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);
const UNAVAILABLE = new Set([
  'SQLITE_IOERR',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
  'SQLITE_NOLFS',
  'SQLITE_PERM',
]);

export type ErrorKind = 'damage' | 'unavailable' | 'other';

/** The primary result code of an SQLite error ('SQLITE_IOERR' for 'SQLITE_IOERR_FSYNC'), if it is one. */
export function primaryCode(error: unknown): string | undefined {
  // By its code, not by class: the native addon keeps the SqliteError class of the first copy of the
  // module that loaded it, which another module registry (jest's, one per test file and realm) does not share.
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const [prefix, name] = code.split('_');
  return `${prefix}_${name}`;
}

export function errorKind(error: unknown): ErrorKind {
  if (error instanceof StoreIntegrityError) return 'damage';
  if (error instanceof StoreUnavailableError) return 'unavailable';
  const code = primaryCode(error);
  if (code !== undefined) return DAMAGE.has(code) ? 'damage' : UNAVAILABLE.has(code) ? 'unavailable' : 'other';
  // Errors of the file system (the data directory, the file's identity, its mode) carry errno and syscall.
  const e = error as { code?: unknown; syscall?: unknown } | null;
  return typeof e?.code === 'string' && typeof e.syscall === 'string' ? 'unavailable' : 'other';
}

/** How to get back to a sound record, in every integrity message about the database file. */
export function restoreAdvice(dataDir: string, fileName: string): string {
  return `Restore the latest backup (made with \`npm run backup\`): stop the service, then copy the backup file to ${dataDir}/${fileName}. Nothing in the damaged file has been changed.`;
}

/**
 * The error to hand to the caller for `error`, thrown while doing `what` on the database `file`:
 * StoreIntegrityError for damage, StoreUnavailableError for what may pass, the error itself otherwise.
 */
export function storeError(error: unknown, what: string, file: { dataDir: string; fileName: string }): unknown {
  if (error instanceof StoreIntegrityError || error instanceof StoreUnavailableError) return error;
  const message = (error as Error)?.message ?? String(error);
  switch (errorKind(error)) {
    case 'damage': {
      const damage = (error as { code: string }).code;
      return new StoreIntegrityError(`Cannot ${what}: the database file is damaged (${damage}: ${message}). ${restoreAdvice(file.dataDir, file.fileName)}`, { damage }, { cause: error });
    }
    case 'unavailable':
      return new StoreUnavailableError(`Cannot ${what} in ${file.dataDir}: ${message}`, { cause: error });
    default:
      return error;
  }
}
