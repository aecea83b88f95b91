/**
 * Socialstyrelsen assigns a rådgivningsfunktion after a tender (POST /v1/advisory-assignments): to a provider
 * with a specialfunktion in force for the same speciale, on an evaluation at the rådgivningsfunktion level,
 * for the period the rule set gives (8 years in the pilots). Socialtilsynet re-checks it like any approval.
 */
import type { Principal } from '../auth';
import { today } from '../time/clock';
import type { IsoDate } from '../time/dates';
import { ADVISORY_LEVEL, advisoryReserved, decidesAdvisory, specialfunktionInForce } from './advisory';
import { recordDecision } from './decide';
import { visibleEvaluation, type DecisionDeps } from './decisionSupport';
import { conflict, invalid } from './errors';
import type { ApprovalRecord } from './records';

export interface AssignmentRequest {
  evaluationId: string;
  /** The tender (udbud) the assignment followed: its reference. */
  tender: string;
  reason: string;
  validFrom?: IsoDate;
  validUntil?: IsoDate;
}

export async function assignAdvisory(deps: DecisionDeps, actor: Principal, request: AssignmentRequest): Promise<ApprovalRecord> {
  if (!decidesAdvisory(actor)) throw advisoryReserved('Kun Socialstyrelsen (eller en administrator) kan tildele en rådgivningsfunktion');
  const evaluation = await visibleEvaluation(deps, actor, request.evaluationId);
  if (evaluation.level !== ADVISORY_LEVEL) {
    throw invalid('En rådgivningsfunktion tildeles på en evaluering på rådgivningsfunktionsniveau', [
      { pointer: '/evaluationId', message: `evalueringen er på niveauet ${evaluation.level}; evaluér tilbuddet på niveauet ${ADVISORY_LEVEL}`, code: 'evaluation-not-advisory-level' },
    ]);
  }
  const { tilbudId } = evaluation.provider;
  const specialfunktion = await specialfunktionInForce(deps.store, tilbudId, evaluation.speciale, today(deps.clock));
  if (!specialfunktion) {
    throw conflict(
      `Tilbud ${tilbudId} har ingen gældende godkendelse som specialfunktion inden for specialet '${evaluation.speciale}'; en rådgivningsfunktion tildeles kun en specialfunktion. Socialtilsynet skal først godkende tilbuddet som specialfunktion (POST /v1/approvals)`,
      {},
      'specialfunktion-not-in-force',
    );
  }
  return recordDecision(
    deps,
    actor,
    evaluation,
    { decision: 'approved', reason: request.reason, validFrom: request.validFrom, validUntil: request.validUntil },
    { tender: request.tender, specialfunktion },
  );
}
