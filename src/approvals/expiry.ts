/**
 * An approval past its validUntil has expired; recording it (a batch run, a re-check, or a new decision that
 * finds it still standing in the way) is a status change with its audit entry.
 */
import type { AuditRecord } from '../audit';
import { approvalState } from './fold';
import type { ApprovalRecord, HistoryEntry } from './records';

export interface RecordedExpiry {
  next: ApprovalRecord;
  entry: HistoryEntry;
  audit: AuditRecord;
}

/** `approval` recorded as expired, as it will be stored. */
export function recordExpiry(approval: ApprovalRecord, how: { by: string; at: string; trigger: string; dueKey?: string }): RecordedExpiry {
  const entry: HistoryEntry = {
    at: how.at,
    by: how.by,
    type: 'status-change',
    reason: 'Gyldighedsperioden er udløbet uden fornyelse',
    fromStatus: approval.status,
    toStatus: 'expired',
    details: { trigger: how.trigger, validUntil: approval.validUntil, ...(how.dueKey ? { dueKey: how.dueKey } : {}) },
  };
  const next: ApprovalRecord = { ...approval, status: 'expired', history: [...approval.history, entry], updatedAt: how.at, version: approval.version + 1 };
  delete next.nextDueDate;
  const audit: AuditRecord = {
    at: how.at,
    subject: how.by,
    action: 'approval.status-changed',
    entityType: 'approval',
    entityId: next.id,
    summary: { fromStatus: entry.fromStatus, toStatus: entry.toStatus, trigger: how.trigger, state: approvalState(next) },
  };
  return { next, entry, audit };
}
