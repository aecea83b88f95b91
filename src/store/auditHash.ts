import { createHash } from 'node:crypto';
import type { AuditEntry } from './types';

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditEntryWithoutHash = Omit<AuditEntry, 'hash'>;

/**
 * The hash of an audit entry: sha256 (hex) of the canonical JSON of the entry without `hash`.
 *
 * This definition is frozen: every stored entry was hashed with it, so changing it (or sharing code with
 * something that may change, like the rule-set hashing) would make every existing chain fail
 * verification. Only the entry's own fields are hashed, so extra properties a caller or a driver
 * may have attached (`hash` itself, MongoDB's `_id`) never change the result.
 */
export function auditEntryHash(entry: AuditEntryWithoutHash): string {
  const content = {
    seq: entry.seq,
    at: entry.at,
    subject: entry.subject,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    summary: entry.summary,
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/**
 * JSON with object keys sorted (by UTF-16 code units, Array.prototype.sort's default) at every depth.
 * Follows JSON.stringify otherwise: undefined / function properties are left out, and become null in
 * arrays; objects with toJSON (Date) are serialised through it; non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  const out = write(value);
  return out === undefined ? 'null' : out;
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'number':
      return JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new TypeError('canonicalJson: bigint is not JSON');
    default:
      break;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return write(withToJson.toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => write(v) ?? 'null').join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const v = write(record[key]);
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}
