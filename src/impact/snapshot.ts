import { LIVE_STATUSES } from '../approvals/service';
import type { Evidence } from '../evidence/types';
import type { Store } from '../store/types';
import type { Clock } from '../time/clock';
import type { Snapshot } from '.';

/** The approvals in force for a speciale with their latest evidence: the input an impact check needs. */
export async function exportSnapshot(store: Store, speciale: string, clock: Clock): Promise<Snapshot> {
  const approvals: Snapshot['approvals'] = [];
  for (const status of LIVE_STATUSES) {
    for await (const a of store.findApprovals({ speciale, status })) {
      const latest = (await store.latestEvaluationForApproval(a.id)) ?? (await store.getEvaluation(a.evaluationId));
      if (!latest) continue;
      approvals.push({ approvalId: a.id, tilbudId: a.provider.tilbudId, level: a.level, tilsyn: a.tilsyn, rulesetVersion: a.rulesetVersion, evidence: latest.evidence as Evidence });
    }
  }
  return { speciale, exportedAt: clock.now().toISOString(), approvals };
}
