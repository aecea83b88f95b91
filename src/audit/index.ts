import type { Store } from '../store/types';

export type AuditAction =
  | 'evaluation.created'
  | 'approval.approved'
  | 'approval.rejected'
  /** An approval decision whose entry was written but whose record was not stored (another approval came first). */
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
export async function audit(
  store: Store,
  entry: { at: string; subject: string; action: AuditAction; entityType: 'evaluation' | 'approval' | 'provider'; entityId: string; summary: Record<string, unknown> },
): Promise<void> {
  await store.appendAudit(entry);
}
