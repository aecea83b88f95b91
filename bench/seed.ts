/**
 * Records put into a store the way the service would have committed them: each approval with its audit
 * entry carrying the approval's state, so the record verifies. Copied from test/support/seed.ts (the
 * bench's tsconfig compiles src/ and bench/ only).
 */
import { approvalState } from '../src/approvals/fold';
import type { ApprovalRecord, EvaluationRecord, RecordChange, RecordStore } from '../src/approvals/records';

/** The change that stores the approval (and the evaluation it rests on, if given) as its decision would have. */
export function seedChange(record: ApprovalRecord, evaluation?: EvaluationRecord): RecordChange {
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

/** Commits the changes in one transaction; throws if any was refused. */
export async function commitSeeds(store: RecordStore, changes: RecordChange[]): Promise<void> {
  const outcomes = await store.commitMany(changes);
  const refused = outcomes.find((o) => !o.committed);
  if (refused && !refused.committed) throw new Error(`a seed was refused: ${refused.reason}`);
}
