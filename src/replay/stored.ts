import { notFound } from '../approvals/errors';
import type { EvaluationRecord, RecordStore } from '../approvals/records';
import type { ApprovalService } from '../approvals/service';
import type { Principal } from '../auth';
import type { RulesCatalogue } from '../rules/catalogue';
import type { Clock } from '../time/clock';
import { exportOf, replayInputOf, type EvaluationExport } from './export';
import { replayEvaluation, type ReplayReport } from './replay';

export interface StoredReplayDeps {
  /** Says who may read an evaluation. */
  service: ApprovalService;
  store: RecordStore;
  rules: RulesCatalogue;
  clock: Clock;
}

/** A stored evaluation the actor may read, with its evidence (another tilsyn's is not found, as everywhere). */
async function readable(deps: StoredReplayDeps, actor: Principal, id: string): Promise<EvaluationRecord> {
  await deps.service.getEvaluation(actor, id);
  const record = await deps.store.getEvaluation(id);
  if (!record) throw notFound(`Evalueringen ${id}`, 'evaluation-not-found');
  return record;
}

/** Replay a stored evaluation against the rule files loaded now. Stores nothing. */
export async function replayStored(deps: StoredReplayDeps, actor: Principal, id: string): Promise<ReplayReport> {
  const record = await readable(deps, actor, id);
  const { evidence, ...evaluation } = record;
  return replayEvaluation(replayInputOf(evaluation, evidence), deps.rules);
}

/** A stored evaluation with its evidence, for replay without the service. */
export async function exportStored(deps: StoredReplayDeps, actor: Principal, id: string): Promise<EvaluationExport> {
  return exportOf(await readable(deps, actor, id), deps.clock.now().toISOString());
}
