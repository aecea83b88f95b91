import type { Evidence } from '../evidence/types';
import type { ApprovalRecord, RecordStore } from './records';

/**
 * The evidence an approval rests on now: that of the evaluation its newest history entry names (the
 * decision's, a renewal's, or a re-check's, which carries new evidence when some was submitted), else
 * that of the evaluation it was decided or renewed on; undefined if none is stored. Read-only.
 *
 * The history is what was decided: an evaluation linked to the approval but never recorded in its history
 * (a re-check that crashed before it was saved) does not count.
 */
export async function evidenceOnRecord(store: RecordStore, approval: Pick<ApprovalRecord, 'evaluationId' | 'history'>): Promise<Evidence | undefined> {
  return (await evidenceWithHashOnRecord(store, approval))?.evidence;
}

/**
 * The same evidence with its hash as the evaluation that holds it recorded it (contentHash, computed once
 * when the evidence was received): a re-check reuses it rather than hashing the evidence again. Absent only
 * on a record without one; then the caller hashes.
 */
export async function evidenceWithHashOnRecord(
  store: RecordStore,
  approval: Pick<ApprovalRecord, 'evaluationId' | 'history'>,
): Promise<{ evidence: Evidence; evidenceHash?: string } | undefined> {
  let evaluationId = approval.evaluationId;
  for (let i = approval.history.length - 1; i >= 0; i--) {
    const named = approval.history[i].evaluationId;
    if (named !== undefined) {
      evaluationId = named;
      break;
    }
  }
  const onRecord = await store.getEvaluationEvidence(evaluationId);
  if (!onRecord) return undefined;
  return onRecord.evidenceHash === undefined ? { evidence: onRecord.evidence } : { evidence: onRecord.evidence, evidenceHash: onRecord.evidenceHash };
}
