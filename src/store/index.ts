import { SqliteStore } from './sqlite';
import type { RecordTypes, Store, StoreOptions } from './types';

export interface StoreConfig extends StoreOptions {
  /** When set, MongoDB is used (production); otherwise the embedded SQLite store in dataDir. */
  mongodbUri?: string;
  /** Database name; defaults to 'specialfunktion'. */
  mongodbDb?: string;
  dataDir: string;
}

/**
 * The store for this configuration, keeping the caller's record types (the stores keep each record whole
 * and give it back as it was given); call init() before use and close() when done.
 */
export function createStore<R extends RecordTypes = RecordTypes>(config: StoreConfig): Store<R> {
  const options: StoreOptions = { inForceStatuses: config.inForceStatuses, onTransaction: config.onTransaction, writerThread: config.writerThread };
  if (!config.mongodbUri) return new SqliteStore<R>(config.dataDir, options);
  // Loaded only when used: the driver costs every process that opens the embedded store ~14 MB otherwise.
  const { DEFAULT_DB_NAME, MongoStore } = require('./mongo') as typeof import('./mongo');
  return new MongoStore<R>(config.mongodbUri, config.mongodbDb || DEFAULT_DB_NAME, options);
}

export { SqliteStore } from './sqlite';
export { StoreUnavailableError, StoreIntegrityError, LegacyStoreError, DuplicateIdError, InvalidCursorError, ApprovalInForceError } from './errors';
export { auditEntryHash } from './auditHash';
export type * from './types';
