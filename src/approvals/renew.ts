/**
 * Renewing an approval in force, once its renewal window has opened, on an eligible evaluation of current
 * evidence for the same provider, speciale and level: the period continues from the day after it ends. An
 * expired approval is not renewed (apply anew). A rådgivningsfunktion is renewed by Socialstyrelsen, while
 * the provider's specialfunktion is in force, optionally naming the tender it followed; its flags are cleared.
 */
import type { Principal } from '../auth';
import { today } from '../time/clock';
import { addDays, addMonths, earlierOf, periodEnd, type IsoDate } from '../time/dates';
import { ADVISORY_LEVEL, specialfunktionInForce } from './advisory';
import {
  approvalForDecision,
  assertEligible,
  assertEvidenceCurrent,
  assertVersionInForce,
  decisionEntry,
  refusalConflict,
  rulesetOf,
  visibleEvaluation,
  type DecisionDeps,
} from './decisionSupport';
import { conflict, invalid } from './errors';
import { validUntilProblems } from './periods';
import { renewalWindowOpensOn } from './recheck';
import type { ApprovalRecord, HistoryEntry } from './records';
import { notRenewable } from './sequence';

export interface RenewRequest {
  evaluationId: string;
  reason?: string;
  validUntil?: IsoDate;
  expectedVersion?: number;
  /** A rådgivningsfunktion only: the tender the renewal followed. */
  tender?: string;
}

export async function renew(deps: DecisionDeps, actor: Principal, id: string, request: RenewRequest): Promise<ApprovalRecord> {
  const { store, rules, clock } = deps;
  const current = await approvalForDecision(deps, actor, id, request.expectedVersion);
  const todayIso = today(clock);
  const refusal = notRenewable(current, todayIso);
  if (refusal) throw refusal;
  const advisory = current.level === ADVISORY_LEVEL;
  if (request.tender !== undefined && !advisory) {
    throw invalid('Kun en rådgivningsfunktion tildeles efter udbud', [{ pointer: '/tender', message: 'angives kun ved fornyelse af en rådgivningsfunktion', code: 'tender-only-for-advisory' }]);
  }
  const evaluation = await visibleEvaluation(deps, actor, request.evaluationId);
  if (evaluation.provider.tilbudId !== current.provider.tilbudId || evaluation.speciale !== current.speciale || evaluation.level !== current.level) {
    throw conflict('Evalueringen gælder ikke samme tilbud, speciale og niveau som godkendelsen; evaluér tilbuddet på godkendelsens speciale og niveau', {}, 'evaluation-mismatch');
  }
  assertEligible(evaluation);
  assertEvidenceCurrent(evaluation, todayIso);
  assertVersionInForce(deps, evaluation, todayIso);
  const policy = rulesetOf(deps, evaluation).levels[evaluation.level].approvalPolicy;
  // Renewing long before the end would stack a new full period on the old one; the window is the granting version's.
  const opensOn = renewalWindowOpensOn(current, rules) ?? addMonths(current.validUntil, -policy.renewalWindowMonths);
  if (todayIso < opensOn) {
    throw conflict(
      `Godkendelsen kan tidligst fornyes ${opensOn}, når fornyelsesvinduet før udløbet ${current.validUntil} åbner; forny den da`,
      { renewalWindowOpensOn: opensOn },
      'renewal-window-closed',
    );
  }
  if (advisory && !(await specialfunktionInForce(store, current.provider.tilbudId, current.speciale, todayIso))) {
    throw conflict(
      `Tilbuddet har ingen gældende godkendelse som specialfunktion inden for specialet '${current.speciale}'; en rådgivningsfunktion fornyes kun for en specialfunktion. Socialtilsynet skal først godkende tilbuddet som specialfunktion`,
      {},
      'specialfunktion-not-in-force',
    );
  }
  // A renewal continues the approval: the new period starts the day after the old one ends.
  const periodStart = addDays(current.validUntil, 1);
  const maxUntil = periodEnd(periodStart, policy.validityMonths);
  const validUntil = request.validUntil ?? maxUntil;
  const problems = validUntilProblems(periodStart, validUntil, maxUntil, policy.validityMonths);
  if (problems.length > 0) throw invalid('Gyldighedsperioden er ugyldig', problems);

  const at = clock.now().toISOString();
  const entry: HistoryEntry = {
    at,
    by: actor.subject,
    type: 'renewal',
    reason: request.reason,
    evaluationId: evaluation.id,
    fromStatus: current.status,
    toStatus: 'active',
    details: {
      previousValidUntil: current.validUntil,
      validUntil,
      rulesetVersion: evaluation.rulesetVersion,
      ...(request.tender !== undefined ? { tender: request.tender } : {}),
      ...(current.flags?.length ? { clearedFlags: current.flags } : {}),
    },
  };
  const next: ApprovalRecord = {
    ...current,
    status: 'active',
    validUntil,
    rulesetVersion: evaluation.rulesetVersion,
    rulesetHash: evaluation.rulesetHash,
    evaluationId: evaluation.id,
    nextDueDate: earlierOf(addMonths(todayIso, policy.recheckIntervalMonths), validUntil),
    ...(request.tender !== undefined ? { tender: request.tender } : {}),
    history: [...current.history, entry],
    updatedAt: at,
    version: current.version + 1,
  };
  // The specialfunktion it rests on is in force again: what was flagged about it has been looked at.
  delete next.flags;
  const outcome = await store.commit({
    approval: { update: next, expectedVersion: current.version },
    audit: decisionEntry(next, {
      at,
      subject: actor.subject,
      action: 'approval.renewed',
      summary: {
        evaluationId: evaluation.id,
        previousValidUntil: current.validUntil,
        validUntil,
        rulesetVersion: evaluation.rulesetVersion,
        reason: request.reason ?? null,
        ...(request.tender !== undefined ? { tender: request.tender } : {}),
      },
    }),
  });
  if (!outcome.committed) throw await refusalConflict(deps, actor, outcome);
  return next;
}
