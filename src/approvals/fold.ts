/**
 * Approvals checked against the audit chain: the entries, folded in seq order, say what state each
 * approval must be in; a stored approval that differs was changed behind the service's back (or its
 * change was never audited).
 *
 * Every entry about an approval carries `state` (see approvalState) from now on, so the fold is exact:
 * status, validity period, rule-set version, version and a hash of the whole record. Entries written
 * before that (imported from the earlier store) carry less; the fold then uses what each action says
 * (an approval.revoked means revoked, a renewal's validUntil, a re-check's toStatus) and leaves the rest
 * unchecked. An approval.discarded entry (earlier store) takes back the entry it names.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../store/auditHash';
import type { AuditEntry } from '../store/types';
import type { ApprovalRecord } from './records';

/** What an audit entry records of the approval it changed. */
export interface ApprovalState {
  status: string;
  validFrom: string;
  validUntil: string;
  rulesetVersion: string;
  version: number;
  /** sha256 of the canonical JSON of the whole stored record. */
  recordHash: string;
}

export type ApprovalField = keyof ApprovalState | 'existence' | 'audit';

export interface ApprovalDiscrepancy {
  approvalId: string;
  /** `existence`: entries name it but it is not stored; `audit`: stored, but no entry names it; `recordHash`: another field of the record differs. */
  field: ApprovalField;
  expected?: unknown;
  stored?: unknown;
  /** The newest entry the expectation comes from. */
  seq?: number;
}

export function approvalRecordHash(record: ApprovalRecord): string {
  return `sha256:${createHash('sha256').update(canonicalJson(record), 'utf8').digest('hex')}`;
}

/** The state an entry records for `record`, which must be the approval exactly as it will be stored (its new version included). */
export function approvalState(record: ApprovalRecord): ApprovalState {
  return {
    status: record.status,
    validFrom: record.validFrom,
    validUntil: record.validUntil,
    rulesetVersion: record.rulesetVersion,
    version: record.version,
    recordHash: approvalRecordHash(record),
  };
}

type Expected = Partial<ApprovalState> & { seq: number };

interface Folded {
  expected: Expected | undefined;
  /** Per entry applied: its seq and the expectation before it, so approval.discarded can take it back. */
  applied: { seq: number; before: Expected | undefined }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** What one entry says the approval is now, given what it was (undefined: the entry says nothing about it). */
function apply(before: Expected | undefined, entry: AuditEntry): Expected | undefined {
  const s = entry.summary as Record<string, unknown>;
  const state = s.state as Partial<ApprovalState> | undefined;
  if (state && typeof state === 'object') return { ...state, seq: entry.seq };
  const base: Expected = { ...(before ?? {}), seq: entry.seq };
  // Without a recorded state the version and whole-record hash are unknown from here on.
  delete base.version;
  delete base.recordHash;
  switch (entry.action) {
    case 'approval.approved':
    case 'approval.rejected':
      return {
        seq: entry.seq,
        status: entry.action === 'approval.approved' ? 'active' : 'rejected',
        ...(str(s.validFrom) ? { validFrom: str(s.validFrom) } : {}),
        ...(str(s.validUntil) ? { validUntil: str(s.validUntil) } : {}),
        ...(str(s.rulesetVersion) ? { rulesetVersion: str(s.rulesetVersion) } : {}),
      };
    case 'approval.revoked':
      return { ...base, status: 'revoked' };
    case 'approval.renewed':
      return { ...base, status: 'active', ...(str(s.validUntil) ? { validUntil: str(s.validUntil) } : {}), ...(str(s.rulesetVersion) ? { rulesetVersion: str(s.rulesetVersion) } : {}) };
    case 'approval.rechecked':
    case 'approval.status-changed':
      return str(s.toStatus) ? { ...base, status: str(s.toStatus) } : base;
    default:
      return base;
  }
}

/** Folds entries (in seq order) into the expected state of every approval they name. */
export class ApprovalFold {
  private readonly approvals = new Map<string, Folded>();

  add(entry: AuditEntry): void {
    if (entry.entityType !== 'approval') return;
    if (entry.action === 'approval.discarded') {
      this.takeBack(entry.entityId, Number((entry.summary as Record<string, unknown>).discardedSeq));
      return;
    }
    if (!entry.action.startsWith('approval.')) return;
    const folded = this.approvals.get(entry.entityId) ?? { expected: undefined, applied: [] };
    folded.applied.push({ seq: entry.seq, before: folded.expected });
    folded.expected = apply(folded.expected, entry);
    this.approvals.set(entry.entityId, folded);
  }

  private takeBack(approvalId: string, seq: number): void {
    const folded = this.approvals.get(approvalId);
    const index = folded?.applied.findIndex((a) => a.seq === seq) ?? -1;
    if (!folded || index < 0) return;
    // Only the newest applied entry can be taken back: a later entry built on it.
    if (index === folded.applied.length - 1) {
      folded.expected = folded.applied[index].before;
      folded.applied.pop();
      if (folded.expected === undefined) this.approvals.delete(approvalId);
    }
  }

  /** Stored approvals (any order) compared with the fold; every difference, then every approval entries name that is not stored. */
  async compare(stored: AsyncIterable<ApprovalRecord> | Iterable<ApprovalRecord>): Promise<ApprovalDiscrepancy[]> {
    const found: ApprovalDiscrepancy[] = [];
    const seen = new Set<string>();
    for await (const record of stored) {
      seen.add(record.id);
      found.push(...this.compareOne(record.id, record));
    }
    for (const approvalId of this.approvals.keys()) if (!seen.has(approvalId)) found.push(...this.compareOne(approvalId, null));
    return found;
  }

  /** One approval (null: not stored) compared with the fold. */
  compareOne(approvalId: string, record: ApprovalRecord | null): ApprovalDiscrepancy[] {
    const expected = this.approvals.get(approvalId)?.expected;
    if (!record) return expected ? [{ approvalId, field: 'existence', expected: expected.status, seq: expected.seq }] : [];
    if (!expected) return [{ approvalId, field: 'audit', stored: record.status }];
    const found: ApprovalDiscrepancy[] = [];
    for (const field of ['status', 'validFrom', 'validUntil', 'rulesetVersion', 'version'] as const) {
      if (expected[field] !== undefined && expected[field] !== record[field]) {
        found.push({ approvalId, field, expected: expected[field], stored: record[field], seq: expected.seq });
      }
    }
    if (found.length === 0 && expected.recordHash !== undefined) {
      const hash = approvalRecordHash(record);
      if (hash !== expected.recordHash) found.push({ approvalId, field: 'recordHash', expected: expected.recordHash, stored: hash, seq: expected.seq });
    }
    return found;
  }
}
