/**
 * What the decision use cases (decide, assign a rådgivningsfunktion, revoke, renew) share: the evaluation and
 * approval as the actor may use them, the rule set a decision rests on, what an evaluation must show to be
 * approved on, the audit entry of a decision, and committing with refusals turned into the conflicts they are.
 */
import type { AuditRecord } from '../audit';
import type { Principal } from '../auth';
import { evidenceCurrentThrough } from '../evaluation/evaluate';
import type { RulesCatalogue } from '../rules/catalogue';
import type { Ruleset } from '../rules/types';
import type { Refusal } from '../store/types';
import type { Clock } from '../time/clock';
import type { IsoDate } from '../time/dates';
import { canDecide, canSee } from './access';
import { assertMayDecideAt } from './advisory';
import { conflict, forbidden, notFound } from './errors';
import { approvalState } from './fold';
import type { ApprovalRecord, EvaluationRecord, RecordStore } from './records';
import { inForceConflict } from './sequence';
import { withCurrentProvider } from '../providers/currentProvider';

export interface DecisionDeps {
  store: RecordStore;
  rules: RulesCatalogue;
  clock: Clock;
}

export async function visibleEvaluation(deps: DecisionDeps, actor: Principal, id: string): Promise<EvaluationRecord> {
  const stored = await deps.store.getEvaluation(id);
  // Evaluations follow their provider: read, and decided on, where the register has it now (src/providers/currentProvider.ts).
  const record = stored && (await withCurrentProvider(deps.store, stored));
  if (!record || !canSee(actor, record.provider.tilsyn)) throw notFound(`Evalueringen ${id}`, 'evaluation-not-found');
  return record;
}

export async function visibleApproval(deps: DecisionDeps, actor: Principal, id: string): Promise<ApprovalRecord> {
  const record = await deps.store.getApproval(id);
  if (!record || !canSee(actor, record.tilsyn)) throw notFound(`Godkendelsen ${id}`, 'approval-not-found');
  return record;
}

function assertVersion(current: ApprovalRecord, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw conflict(`Godkendelsen er ændret siden version ${expectedVersion} (nu version ${current.version}); hent den igen`, { currentVersion: current.version }, 'approval-changed');
  }
}

/** The approval if the actor's socialtilsyn may act on it (re-checks, new evidence): 404 when it may not even see it. */
export async function tilsynApproval(deps: DecisionDeps, actor: Principal, id: string, expectedVersion?: number): Promise<ApprovalRecord> {
  const current = await visibleApproval(deps, actor, id);
  if (!canDecide(actor, current.tilsyn)) throw forbidden('Kun en tilsynsførende fra tilbuddets socialtilsyn (eller en administrator) kan træffe afgørelse', 'decided-by-socialtilsyn');
  assertVersion(current, expectedVersion);
  return current;
}

/** The approval if the actor may revoke or renew it at its level (see assertMayDecideAt), at the expected version if one is given. */
export async function approvalForDecision(deps: DecisionDeps, actor: Principal, id: string, expectedVersion?: number): Promise<ApprovalRecord> {
  const current = await visibleApproval(deps, actor, id);
  assertMayDecideAt(actor, current.level, current.tilsyn);
  assertVersion(current, expectedVersion);
  return current;
}

/** The rule set version the evaluation was made under; 409 if it is no longer loaded. */
export function rulesetOf(deps: DecisionDeps, evaluation: EvaluationRecord): Ruleset {
  const ruleset = deps.rules.get(evaluation.speciale, evaluation.rulesetVersion);
  if (!ruleset) throw conflict(`Regelsættet ${evaluation.speciale} ${evaluation.rulesetVersion} er ikke længere indlæst; evaluér på ny under den version, der gælder nu`, {}, 'ruleset-not-loaded');
  return ruleset;
}

/** The audit entry of a decision about `record` (as it will be stored), carrying the state the chain check folds. */
export function decisionEntry(record: ApprovalRecord, entry: Pick<AuditRecord, 'at' | 'subject' | 'action' | 'summary'>): AuditRecord {
  return { ...entry, entityType: 'approval', entityId: record.id, summary: { ...entry.summary, state: approvalState(record) } };
}

/** The last day the evaluation's evidence is current. */
export function evidenceOfEvaluationCurrentThrough(evaluation: EvaluationRecord): IsoDate {
  const { reportingDate, maxAgeMonths } = evaluation.result.evidence;
  return evidenceCurrentThrough(reportingDate, maxAgeMonths);
}

/** A decision or renewal is made today, so the evidence must be current today, not only on the evaluation's date. */
export function assertEvidenceCurrent(evaluation: EvaluationRecord, today: IsoDate): void {
  const through = evidenceOfEvaluationCurrentThrough(evaluation);
  if (today > through) {
    const { reportingDate, maxAgeMonths } = evaluation.result.evidence;
    throw conflict(
      `Dokumentationen (indberettet ${reportingDate}) er ældre, end regelsættet tillader (${maxAgeMonths} måneder); indhent ny dokumentation og evaluér igen`,
      { evidenceCurrentThrough: through },
      'evidence-out-of-date',
    );
  }
}

/**
 * A decision or renewal rests on the criteria in force today: an evaluation under an earlier (or not yet
 * effective) version is not approvable, whatever it concluded then.
 */
export function assertVersionInForce(deps: DecisionDeps, evaluation: EvaluationRecord, today: IsoDate): void {
  const inForce = deps.rules.inForceOn(evaluation.speciale, today);
  if (inForce?.version === evaluation.rulesetVersion) return;
  const now = inForce ? `version ${inForce.version}, der gælder i dag` : 'den version, der gælder i dag';
  throw conflict(
    `Evalueringen er lavet under version ${evaluation.rulesetVersion} af ${evaluation.speciale}, som ikke gælder i dag; evaluér på ny under ${now}`,
    { rulesetVersion: evaluation.rulesetVersion, ...(inForce ? { versionInForce: inForce.version } : {}) },
    'version-not-in-force',
  );
}

export function assertEligible(evaluation: EvaluationRecord): void {
  if (evaluation.overall === 'eligible') return;
  const unmet = evaluation.result.requirements
    .filter((r) => r.severity === 'required' && !r.transitional && r.outcome !== 'met')
    .map((r) => ({ id: r.id, title: r.title, outcome: r.outcome }));
  throw conflict(
    `Evalueringen er ikke 'eligible' (${evaluation.overall}); ${unmet.length} påkrævede krav er ikke opfyldt. Indhent dokumentation for kravene, og evaluér igen – eller træf afgørelse om afslag`,
    { unmetRequirements: unmet },
    'not-eligible',
  );
}

/** The conflict a refused change is: another decision came first. */
export async function refusalConflict(deps: DecisionDeps, actor: Principal, refusal: Refusal): Promise<Error> {
  switch (refusal.reason) {
    case 'approval-in-force': {
      const inForce = refusal.inForceId ? await deps.store.getApproval(refusal.inForceId) : null;
      return inForceConflict(deps, actor, inForce);
    }
    case 'stale-version':
      return conflict('Godkendelsen blev ændret af en anden i mellemtiden; hent den igen og prøv på ny', {}, 'approval-changed');
    case 'duplicate-id':
      // Ids are fresh UUIDs: a duplicate is a bug, not the client's doing.
      return new Error(`a new record's id ${refusal.id} already exists in ${refusal.collection}`);
    default:
      // A refusal this domain does not know (the store port grew): not the client's doing either.
      return new Error(`the store refused a change: ${(refusal as { reason: string }).reason}`);
  }
}
