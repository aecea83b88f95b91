import { DEFAULT_DB_NAME, MongoStore } from './mongo';
import { SqliteStore } from './sqlite';
import type { Store } from './types';

export interface StoreConfig {
  /** When set, MongoDB is used (production); otherwise the embedded SQLite store in dataDir. */
  mongodbUri?: string;
  /** Database name; defaults to 'specialfunktion'. */
  mongodbDb?: string;
  dataDir: string;
}

/** The store for this configuration; call init() before use and close() when done. */
export function createStore(config: StoreConfig): Store {
  if (config.mongodbUri) return new MongoStore(config.mongodbUri, config.mongodbDb || DEFAULT_DB_NAME);
  return new SqliteStore(config.dataDir);
}

export { SqliteStore } from './sqlite';
export { MongoStore } from './mongo';
export { StoreUnavailableError, StoreIntegrityError, LegacyStoreError, DuplicateIdError, InvalidCursorError, ApprovalInForceError } from './errors';
export { LIVE_STATUSES } from './types';
export { auditEntryHash } from './auditHash';
export type * from './types';
