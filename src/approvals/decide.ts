/**
 * A decision on a stored evaluation: a socialtilsyn approves or rejects a specialfunktion (decide), and
 * Socialstyrelsen assigns a rådgivningsfunktion (assignAdvisory.ts), both recorded here (recordDecision).
 */
import type { Principal } from '../auth';
import { today } from '../time/clock';
import { periodEnd, type IsoDate } from '../time/dates';
import { ADVISORY_LEVEL, assertMayDecideAt, commitWithFlags, flaggingFor, type Flagging } from './advisory';
import {
  assertEligible,
  assertEvidenceCurrent,
  assertVersionInForce,
  decisionEntry,
  evidenceOfEvaluationCurrentThrough,
  refusalConflict,
  rulesetOf,
  visibleEvaluation,
  type DecisionDeps,
} from './decisionSupport';
import { invalid } from './errors';
import { recordExpiry } from './expiry';
import { newId } from './ids';
import { firstDueDate, validFromProblems, validUntilPastProblems, validUntilProblems } from './periods';
import type { ApprovalRecord, EvaluationRecord, HistoryEntry, RecordChange } from './records';
import { approvalWithStatusInForce, assertEvidenceAfterRevocation, hasLapsed, inForceConflict } from './sequence';
import type { ApprovalStatus } from './status';

export interface DecisionRequest {
  evaluationId: string;
  decision: 'approved' | 'rejected';
  reason: string;
  validFrom?: IsoDate;
  validUntil?: IsoDate;
}

/** A socialtilsyn's decision on a specialfunktion (POST /v1/approvals). */
export async function decide(deps: DecisionDeps, actor: Principal, request: DecisionRequest): Promise<ApprovalRecord> {
  const evaluation = await visibleEvaluation(deps, actor, request.evaluationId);
  assertMayDecideAt(actor, evaluation.level, evaluation.provider.tilsyn);
  if (evaluation.level === ADVISORY_LEVEL) {
    throw invalid('En rådgivningsfunktion tildeles af Socialstyrelsen efter udbud', [
      { pointer: '/evaluationId', message: 'evalueringen er på rådgivningsfunktionsniveau; tildel rådgivningsfunktionen med POST /v1/advisory-assignments', code: 'advisory-assigned-after-tender' },
    ]);
  }
  return recordDecision(deps, actor, evaluation, request);
}

/** What a decision records beyond the request, when it is an assignment of a rådgivningsfunktion. */
export interface Assignment {
  tender: string;
  /** The specialfunktion approval in force it rests on. */
  specialfunktion: ApprovalRecord;
}

/**
 * Records a decision on `evaluation` (the actor's authority at its level already checked): an approval rests
 * on an eligible evaluation of evidence current today, with no other approval in force for the provider,
 * speciale and level, on evidence reported after any revocation, for a period the rule set allows (periods.ts).
 * An approval in force by status but past its period is recorded as expired in the same transaction.
 */
export async function recordDecision(
  deps: DecisionDeps,
  actor: Principal,
  evaluation: EvaluationRecord,
  request: Omit<DecisionRequest, 'evaluationId'>,
  assignment?: Assignment,
  attempt = 1,
): Promise<ApprovalRecord> {
  const { store, clock } = deps;
  const ruleset = rulesetOf(deps, evaluation);
  const policy = ruleset.levels[evaluation.level].approvalPolicy;
  const todayIso = today(clock);
  const approving = request.decision === 'approved';
  let lapsed: ApprovalRecord | undefined;
  if (approving) {
    assertEligible(evaluation);
    assertEvidenceCurrent(evaluation, todayIso);
    assertVersionInForce(deps, evaluation, todayIso);
    const standing = await approvalWithStatusInForce(store, evaluation);
    if (standing && !hasLapsed(standing, todayIso)) throw inForceConflict(deps, actor, standing);
    lapsed = standing;
    await assertEvidenceAfterRevocation(store, actor, evaluation);
  }

  const validFrom = request.validFrom ?? todayIso;
  const maxUntil = periodEnd(validFrom, policy.validityMonths);
  const validUntil = request.validUntil ?? maxUntil;
  const problems = [
    ...validFromProblems(validFrom, {
      today: todayIso,
      rulesetVersion: ruleset.version,
      effectiveFrom: ruleset.effectiveFrom,
      reportingDate: evaluation.result.evidence.reportingDate,
      ...(approving ? { evidenceCurrentThrough: evidenceOfEvaluationCurrentThrough(evaluation) } : {}),
      ...(assignment ? { specialfunktionFrom: assignment.specialfunktion.validFrom } : {}),
    }),
    // A validUntil left to its default is the longest period from validFrom: only validFrom can be wrong.
    ...(request.validUntil !== undefined ? validUntilProblems(validFrom, validUntil, maxUntil, policy.validityMonths) : []),
    ...(approving ? validUntilPastProblems(validUntil, todayIso) : []),
  ];
  if (problems.length > 0) throw invalid('Gyldighedsperioden er ugyldig', problems);

  const at = clock.now().toISOString();
  const status: ApprovalStatus = approving ? 'active' : 'rejected';
  const history: HistoryEntry = {
    at,
    by: actor.subject,
    type: assignment ? 'assignment' : 'decision',
    reason: request.reason,
    evaluationId: evaluation.id,
    toStatus: status,
    ...(assignment ? { details: { tender: assignment.tender, specialfunktionApprovalId: assignment.specialfunktion.id } } : {}),
  };
  const record: ApprovalRecord = {
    id: newId(),
    speciale: evaluation.speciale,
    level: evaluation.level,
    provider: evaluation.provider,
    tilsyn: evaluation.provider.tilsyn,
    decision: request.decision,
    status,
    reason: request.reason,
    validFrom,
    validUntil,
    rulesetVersion: evaluation.rulesetVersion,
    rulesetHash: evaluation.rulesetHash,
    evaluationId: evaluation.id,
    ...(approving ? { nextDueDate: firstDueDate(validFrom, validUntil, policy.recheckIntervalMonths, todayIso) } : {}),
    ...(assignment ? { tender: assignment.tender } : {}),
    history: [history],
    version: 1,
    createdAt: at,
    createdBy: actor.subject,
    updatedAt: at,
  };
  const action = assignment ? 'approval.assigned' : approving ? 'approval.approved' : 'approval.rejected';
  const insert: RecordChange = {
    approval: { insert: record },
    audit: decisionEntry(record, {
      at,
      subject: actor.subject,
      action,
      summary: {
        evaluationId: evaluation.id,
        speciale: record.speciale,
        level: record.level,
        tilbudId: record.provider.tilbudId,
        validFrom,
        validUntil,
        reason: request.reason,
        ...(assignment ? { tender: assignment.tender, specialfunktionApprovalId: assignment.specialfunktion.id } : {}),
      },
    }),
  };

  // The approval standing in the way has lapsed: recorded as expired (its rådgivningsfunktioner flagged) with this
  // decision, all in one transaction or not at all.
  const changes: RecordChange[] = [];
  let flagging: Flagging | undefined;
  if (lapsed) {
    const expiry = recordExpiry(lapsed, { by: actor.subject, at, trigger: 'expiry' });
    changes.push({ approval: { update: expiry.next, expectedVersion: lapsed.version }, audit: expiry.audit });
    flagging = await flaggingFor(store, expiry.next, 'expired', actor.subject, at);
  }
  changes.push(insert);
  const outcome = await commitWithFlags(store, changes, flagging);
  if (outcome.committed) return record;
  // The lapsed approval changed meanwhile (a batch run recorded its expiry, say): decide again on what is stored now.
  if (lapsed && outcome.index === 0 && outcome.reason === 'stale-version' && attempt < 3) return recordDecision(deps, actor, evaluation, request, assignment, attempt + 1);
  throw await refusalConflict(deps, actor, outcome);
}
