import type { Evidence } from '../evidence/types';
import type { ApprovalRecord, Store } from '../store/types';

/**
 * The evidence an approval rests on now: that of its latest linked evaluation (a re-check's), else that
 * of the evaluation it was decided or renewed on; undefined if neither is stored. Read-only.
 */
export async function evidenceOnRecord(store: Store, approval: Pick<ApprovalRecord, 'id' | 'evaluationId'>): Promise<Evidence | undefined> {
  const onRecord = (await store.latestEvaluationEvidenceForApproval(approval.id)) ?? (await store.getEvaluationEvidence(approval.evaluationId));
  return onRecord?.evidence as Evidence | undefined;
}
