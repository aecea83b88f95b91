/**
 * What the SQLite store's main thread and its writer thread (sqliteWriter.ts, sqliteWriterThread.ts) send
 * each other. Only plain data crosses a thread, so errors go as their name, message and the fields callers
 * and errorKind/storeError read (code, syscall, details), and are rebuilt as the same classes on the main
 * thread; stacks stay behind.
 */
import { RecordDamagedError, StoreIntegrityError, StoreUnavailableError } from './errors';
import type { Job, JobOutcome } from './sqliteCommit';
import type { FileIdentity } from './sqliteDatabase';
import { NewerSchemaError } from './sqliteSchema';
import type { Transaction } from './types';

export interface WorkerData {
  dataDir: string;
  /** The file the store's main connection opened and checked (see openDatabase). */
  checked?: FileIdentity;
}

export type ToWriter = { type: 'commit'; jobs: Job[] } | { type: 'close' };

export type FromWriter =
  | { type: 'committed'; results: (JobOutcome | { error: PlainError })[]; transaction: Transaction }
  | { type: 'failed'; error: PlainError };

export interface PlainError {
  name: string;
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  details?: { firstBrokenSeq?: number; damage?: string };
  record?: { collection: string; id: string; reason: string };
}

export function plainError(error: unknown): PlainError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const e = error as Error & Partial<Record<'code' | 'syscall' | 'path', unknown>> & { errno?: unknown };
  const plain: PlainError = { name: e.name, message: e.message };
  if (typeof e.code === 'string') plain.code = e.code;
  if (typeof e.errno === 'number') plain.errno = e.errno;
  if (typeof e.syscall === 'string') plain.syscall = e.syscall;
  if (typeof e.path === 'string') plain.path = e.path;
  if (error instanceof StoreIntegrityError) plain.details = { ...error.details };
  if (error instanceof RecordDamagedError) plain.record = { collection: error.collection, id: error.id, reason: error.reason };
  return plain;
}

const STANDARD: Record<string, new (message: string) => Error> = { TypeError, RangeError, SyntaxError, ReferenceError };

/** The error `plain` was made from, as far as callers can tell: its class (the store's and the standard ones), message and fields. */
export function rebuiltError(plain: PlainError): Error {
  switch (plain.name) {
    case 'StoreIntegrityError':
      return new StoreIntegrityError(plain.message, plain.details ?? {});
    case 'StoreUnavailableError':
      return new StoreUnavailableError(plain.message);
    case 'RecordDamagedError':
      if (plain.record) return new RecordDamagedError(plain.record.collection, plain.record.id, plain.record.reason);
      break;
    case 'NewerSchemaError':
      return new NewerSchemaError(plain.message);
  }
  const error = new (STANDARD[plain.name] ?? Error)(plain.message);
  if (error.name !== plain.name) Object.defineProperty(error, 'name', { value: plain.name, configurable: true, writable: true });
  for (const key of ['code', 'errno', 'syscall', 'path'] as const) if (plain[key] !== undefined) Object.assign(error, { [key]: plain[key] });
  return error;
}
