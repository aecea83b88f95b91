/**
 * A stored record read back is checked before the domain sees it: it parses (SQLite keeps records as
 * JSON text), it is an object, and it has the fields every record of its collection has. A record that
 * is not so is damaged (RecordDamagedError naming the collection and id, never the content: a parser's
 * message quotes the text, which may hold personal data).
 */
import { RecordDamagedError } from './errors';

/** The fields each collection's records always have (what the stores index and the domain relies on). */
const REQUIRED: Record<string, readonly string[]> = {
  approvals: ['id', 'status', 'speciale', 'level', 'version'],
  evaluations: ['id'],
  providers: ['tilbudId', 'version'],
  recheckRuns: ['id'],
  capacityChanges: ['id'],
  rechecks: ['id'],
};

export function parseStoredRecord<T>(collection: string, id: string, json: string): T {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new RecordDamagedError(collection, id, 'its JSON does not parse');
  }
  return checkStoredRecord<T>(collection, id, value);
}

export function checkStoredRecord<T>(collection: string, id: string, value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RecordDamagedError(collection, id, 'it is not an object');
  const missing = (REQUIRED[collection] ?? []).filter((field) => (value as Record<string, unknown>)[field] === undefined || (value as Record<string, unknown>)[field] === null);
  if (missing.length > 0) throw new RecordDamagedError(collection, id, `it lacks ${missing.join(', ')}`);
  return value as T;
}
