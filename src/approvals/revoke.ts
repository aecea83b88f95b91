/**
 * Revoking an approval in force (a socialtilsyn's specialfunktion; Socialstyrelsen's rådgivningsfunktion).
 * Revoking a specialfunktion flags the rådgivningsfunktion resting on it for Socialstyrelsen, in the same
 * transaction.
 */
import type { Principal } from '../auth';
import { today } from '../time/clock';
import { commitWithFlags, flaggingFor } from './advisory';
import { approvalForDecision, decisionEntry, refusalConflict, type DecisionDeps } from './decisionSupport';
import type { ApprovalRecord, HistoryEntry } from './records';
import { notRevocable } from './sequence';

export interface RevokeRequest {
  reason: string;
  expectedVersion?: number;
}

export async function revoke(deps: DecisionDeps, actor: Principal, id: string, request: RevokeRequest): Promise<ApprovalRecord> {
  const current = await approvalForDecision(deps, actor, id, request.expectedVersion);
  const refusal = notRevocable(current, today(deps.clock));
  if (refusal) throw refusal;
  const at = deps.clock.now().toISOString();
  const entry: HistoryEntry = { at, by: actor.subject, type: 'revocation', reason: request.reason, fromStatus: current.status, toStatus: 'revoked' };
  const next: ApprovalRecord = { ...current, status: 'revoked', history: [...current.history, entry], updatedAt: at, version: current.version + 1 };
  delete next.nextDueDate;
  const change = {
    approval: { update: next, expectedVersion: current.version },
    audit: decisionEntry(next, { at, subject: actor.subject, action: 'approval.revoked', summary: { fromStatus: current.status, reason: request.reason } }),
  };
  const outcome = await commitWithFlags(deps.store, [change], await flaggingFor(deps.store, next, 'revoked', actor.subject, at));
  if (!outcome.committed) throw await refusalConflict(deps, actor, outcome);
  return next;
}
