import type { Principal } from '../auth';
import type { RulesCatalogue } from '../rules/catalogue';
import type { ApprovalFilter, Page } from '../store/types';
import type { Clock } from '../time/clock';
import { assignAdvisory, type AssignmentRequest } from './assignAdvisory';
import { decide, type DecisionRequest } from './decide';
import { tilsynApproval, visibleApproval } from './decisionSupport';
import { evaluateRequest, type EvaluationOptions, type EvaluationRequest } from './evaluateRequest';
import { showEvaluation, type EvaluationView } from './evaluationView';
import { listApprovals } from './listApprovals';
import type { ApprovalRecord, RecordStore } from './records';
import { renew, type RenewRequest } from './renew';
import { revoke, type RevokeRequest } from './revoke';

export type { EvaluationRequest } from './evaluateRequest';
export type { EvaluationView } from './evaluationView';
export type { DecisionRequest } from './decide';
export type { AssignmentRequest } from './assignAdvisory';
export type { RevokeRequest } from './revoke';
export type { RenewRequest } from './renew';

export interface ApprovalServiceDeps {
  store: RecordStore;
  rules: RulesCatalogue;
  clock: Clock;
}

/**
 * Evaluations and approval decisions: the engine recommends, an inspector decides, and every step is
 * stored with the rule set version, its hash and the evidence hash, attributed and audited. Each use case
 * is a file of its own; this is the one object the HTTP layer and the jobs are given.
 */
export class ApprovalService {
  constructor(private readonly deps: ApprovalServiceDeps) {}

  /** Evaluate evidence, stored or as a dry run (evaluateRequest.ts). */
  evaluate(actor: Principal, request: EvaluationRequest, options: EvaluationOptions): Promise<EvaluationView> {
    return evaluateRequest(this.deps, actor, request, options);
  }

  /** A stored evaluation as shown today (evaluationView.ts). */
  getEvaluation(actor: Principal, id: string): Promise<EvaluationView> {
    return showEvaluation(this.deps, actor, id);
  }

  getApproval(actor: Principal, id: string): Promise<ApprovalRecord> {
    return visibleApproval(this.deps, actor, id);
  }

  listApprovals(actor: Principal, filter: ApprovalFilter, page: { limit: number; cursor?: string }): Promise<Page<ApprovalRecord>> {
    return listApprovals(this.deps.store, actor, filter, page);
  }

  /** A socialtilsyn's decision on a specialfunktion (decide.ts). */
  decide(actor: Principal, request: DecisionRequest): Promise<ApprovalRecord> {
    return decide(this.deps, actor, request);
  }

  /** Socialstyrelsen assigns a rådgivningsfunktion after a tender (assignAdvisory.ts). */
  assignAdvisory(actor: Principal, request: AssignmentRequest): Promise<ApprovalRecord> {
    return assignAdvisory(this.deps, actor, request);
  }

  revoke(actor: Principal, id: string, request: RevokeRequest): Promise<ApprovalRecord> {
    return revoke(this.deps, actor, id, request);
  }

  renew(actor: Principal, id: string, request: RenewRequest): Promise<ApprovalRecord> {
    return renew(this.deps, actor, id, request);
  }

  /** The approval if the actor's socialtilsyn may act on it (re-checks, new evidence); 404 when it may not even see it. */
  decidableApproval(actor: Principal, id: string, expectedVersion?: number): Promise<ApprovalRecord> {
    return tilsynApproval(this.deps, actor, id, expectedVersion);
  }
}
