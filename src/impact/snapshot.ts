import { evidenceOnRecord } from '../approvals/evidence';
import { IN_FORCE_STATUSES } from '../approvals/status';
import type { RecordStore } from '../approvals/records';
import type { Clock } from '../time/clock';
import type { Snapshot } from '.';

/** The approvals in force for a speciale with their latest evidence: the input an impact check needs. */
export async function exportSnapshot(store: RecordStore, speciale: string, clock: Clock): Promise<Snapshot> {
  const approvals: Snapshot['approvals'] = [];
  for (const status of IN_FORCE_STATUSES) {
    for await (const a of store.findApprovals({ speciale, status })) {
      const evidence = await evidenceOnRecord(store, a);
      if (!evidence) continue;
      approvals.push({ approvalId: a.id, tilbudId: a.provider.tilbudId, level: a.level, tilsyn: a.tilsyn, rulesetVersion: a.rulesetVersion, evidence });
    }
  }
  return { speciale, exportedAt: clock.now().toISOString(), approvals };
}
