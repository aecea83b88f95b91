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
  let evaluationId = approval.evaluationId;
  for (let i = approval.history.length - 1; i >= 0; i--) {
    const named = approval.history[i].evaluationId;
    if (named !== undefined) {
      evaluationId = named;
      break;
    }
  }
  return (await store.getEvaluationEvidence(evaluationId))?.evidence;
}
