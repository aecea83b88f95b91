import { DomainError } from '../approvals/errors';
import type { RecordStore } from '../approvals/records';
import type { ApprovalService } from '../approvals/service';
import type { Principal } from '../auth';
import type { RulesCatalogue } from '../rules/catalogue';
import { decisionCount, decisionDocument, type DecisionDocument } from './document';
import type { DecisionTexts } from './texts';

export interface DecisionDeps {
  /** Says who may read an approval. */
  service: ApprovalService;
  store: RecordStore;
  rules: RulesCatalogue;
  texts: DecisionTexts;
}

/**
 * The written decision number `number` (1-based) of an approval the actor may see, or its latest when
 * `number` is undefined. Another tilsyn's approval is not found, as everywhere; a number beyond the
 * history's decisions is 404 `decision-not-found`, naming how many there are.
 */
export async function readDecision(deps: DecisionDeps, actor: Principal, approvalId: string, number?: number): Promise<DecisionDocument> {
  const approval = await deps.service.getApproval(actor, approvalId);
  const count = decisionCount(approval);
  const wanted = number ?? count;
  const provider = await deps.store.getProvider(approval.provider.tilbudId);
  const doc = await decisionDocument({ approval, number: wanted, evaluation: (id) => deps.store.getEvaluation(id), provider, rules: deps.rules, texts: deps.texts });
  if (!doc) {
    throw new DomainError('decision-not-found', `Godkendelsen ${approvalId} har ${count} afgørelse${count === 1 ? '' : 'r'}; afgørelse ${wanted} findes ikke`, { decisionCount: count });
  }
  return doc;
}
