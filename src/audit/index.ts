import type { AuditEntry, Store } from '../store/types';

export type AuditAction =
  | 'evaluation.created'
  | 'approval.approved'
  | 'approval.rejected'
  /** A decision whose entry was written but which was not stored (another decision came first); names that entry's seq. */
  | 'approval.discarded'
  | 'approval.revoked'
  | 'approval.renewed'
  | 'approval.rechecked'
  | 'approval.status-changed'
  | 'approval.evidence-added'
  | 'provider.capacity-changed';

/**
 * Append to the tamper-evident audit log. Summaries carry identifiers, outcomes and reasons only:
 * never evidence contents, staff references or tokens.
 */
export interface AuditRecord {
  at: string;
  subject: string;
  action: AuditAction;
  entityType: 'evaluation' | 'approval' | 'provider';
  entityId: string;
  summary: Record<string, unknown>;
}

export async function audit(store: Store, entry: AuditRecord): Promise<AuditEntry> {
  return store.appendAudit(entry);
}
