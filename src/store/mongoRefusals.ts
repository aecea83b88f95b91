/**
 * Whether the MongoDB store refuses a change, decided from reads made in the transaction before any of
 * the change is written. In MongoDB a write error (a duplicate key) aborts the whole transaction, and with
 * it the other changes of a commitMany, so a unique index cannot be the one to say "refused" as it is in
 * SQLite: the reads say it, and the indexes only catch a race (see runTransaction).
 */
import { approvalOf } from './common';
import type { InForce } from './common';
import type { Change, Refusal } from './types';

/** What the transaction read about the records a change would write. */
export interface ChangeFacts {
  /** An evaluation with the change's evaluation id is stored. */
  evaluationExists: boolean;
  /** For an approval insert: an approval with its id is stored. */
  approvalExists: boolean;
  /** For an approval update: the stored version, or null when there is no approval with its id. */
  storedVersion: number | null;
  /**
   * When the approval written would be in force: another approval in force (marked inForce, as the
   * live_unique index sees it) for the same provider, speciale and level; otherwise undefined.
   */
  inForceId: string | undefined;
  /** Per document of the change, in order: one with its id is stored in its collection. */
  documentExists: boolean[];
  /** For a provider insert: a provider with its tilbudId is registered. */
  providerExists?: boolean;
  /** For a provider update: the registered version, or null when it is not registered. */
  providerVersion?: number | null;
}

/**
 * The refusal of a change, or undefined when it can be written. Checked in the order the change is
 * written: provider, evaluation, approval, documents (so the first record that cannot be written is the one named).
 */
export function refusalOf(change: Change, facts: ChangeFacts, inForce: InForce): Refusal | undefined {
  if (change.provider) {
    if ('insert' in change.provider) {
      if (facts.providerExists) return { reason: 'duplicate-id', collection: 'providers', id: change.provider.insert.tilbudId };
    } else if (facts.providerVersion !== change.provider.expectedVersion) {
      return { reason: 'stale-provider', tilbudId: change.provider.update.tilbudId };
    }
  }
  if (change.evaluation && facts.evaluationExists) return { reason: 'duplicate-id', collection: 'evaluations', id: change.evaluation.id };
  const approval = approvalOf(change);
  if (change.approval && approval) {
    if ('insert' in change.approval) {
      if (facts.approvalExists) return { reason: 'duplicate-id', collection: 'approvals', id: approval.id };
    } else if (facts.storedVersion !== change.approval.expectedVersion) {
      return { reason: 'stale-version', approvalId: approval.id };
    }
    if (inForce(approval.status) && facts.inForceId !== undefined) {
      return { reason: 'approval-in-force', approvalId: approval.id, inForceId: facts.inForceId };
    }
  }
  const seen = new Set<string>();
  for (const [i, { collection, doc }] of (change.documents ?? []).entries()) {
    const key = JSON.stringify([collection, doc.id]);
    // The same id twice in one change: the second insert would meet the first.
    if (facts.documentExists[i] || seen.has(key)) return { reason: 'duplicate-id', collection, id: doc.id };
    seen.add(key);
  }
  return undefined;
}
