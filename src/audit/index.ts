export type AuditAction =
  | 'evaluation.created'
  | 'approval.approved'
  | 'approval.rejected'
  /**
   * Written by the earlier store only (a decision audited, then refused): names that entry's seq, which it
   * takes back. A change and its entry now commit together, so nothing needs taking back.
   */
  | 'approval.discarded'
  | 'approval.revoked'
  | 'approval.renewed'
  /** Socialstyrelsen assigned a rådgivningsfunktion after a tender. */
  | 'approval.assigned'
  /** A rådgivningsfunktion flagged for Socialstyrelsen (its specialfunktion ended), committed with that ending. */
  | 'approval.flagged'
  | 'approval.rechecked'
  | 'approval.status-changed'
  | 'approval.evidence-added'
  /** The approval followed its provider to another municipality or tilsyn (carries its new state); committed with provider.moved. */
  | 'approval.provider-moved'
  | 'provider.capacity-changed'
  /** An admin moved a provider, or a reassignment run did after the geography data changed (src/providers/relocate.ts). */
  | 'provider.moved';

/**
 * An entry of the tamper-evident audit log, committed with the change it describes (Store.commit). Summaries carry identifiers, outcomes and reasons only:
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
