/**
 * Puts records into a store the way the service would have committed them: each with an audit entry that
 * carries the approval's state, so the record verifies. For tests and benches that need many approvals
 * without making each one through the API.
 */
import { approvalState } from '../../src/approvals/fold';
import type { ApprovalRecord } from '../../src/approvals/records';
import type { Change, CommitOutcome, RecordTypes, Store } from '../../src/store/types';

/** Stores whose approvals are the domain's (the evaluations may be the contract's free-form ones). */
type Seedable = RecordTypes & { approval: ApprovalRecord };

function committed(outcome: CommitOutcome, what: string): void {
  if (!outcome.committed) throw new Error(`${what} was refused: ${outcome.reason}`);
}

/** Stores the approval (and the evaluation it rests on, if given) as its decision would have. */
export async function seedApproval<R extends Seedable>(store: Store<R>, record: ApprovalRecord, evaluation?: R['evaluation']): Promise<void> {
  committed(await store.commit(seedChange<R>(record, evaluation)), `approval ${record.id}`);
}

export function seedChange<R extends Seedable>(record: ApprovalRecord, evaluation?: R['evaluation']): Change<R> {
  return {
    ...(evaluation ? { evaluation } : {}),
    approval: { insert: record },
    audit: {
      at: record.createdAt,
      subject: record.createdBy,
      action: record.decision === 'approved' ? 'approval.approved' : 'approval.rejected',
      entityType: 'approval',
      entityId: record.id,
      summary: { evaluationId: record.evaluationId, state: approvalState(record) },
    },
  };
}

/**
 * Changes a stored approval (compare-and-set on `expectedVersion`) with an audited status change, as a
 * re-check or an expiry would; for tests that need an approval in some state. Returns whether it was stored.
 */
export async function seedApprovalChange<R extends Seedable>(store: Store<R>, next: ApprovalRecord, expectedVersion: number): Promise<boolean> {
  const stored = { ...next, version: expectedVersion + 1 };
  const outcome = await store.commit({
    approval: { update: stored, expectedVersion },
    audit: {
      at: stored.updatedAt,
      subject: 'test',
      action: 'approval.status-changed',
      entityType: 'approval',
      entityId: stored.id,
      summary: { toStatus: stored.status, state: approvalState(stored) },
    },
  });
  return outcome.committed;
}
