import type { Principal } from '../auth';
import type { AuditRecord } from '../audit';
import { evaluate, evidenceCurrentThrough } from '../evaluation/evaluate';
import type { EvaluationResult } from '../evaluation/types';
import type { Evidence } from '../evidence/types';
import { validateEvidence } from '../evidence/validate';
import { tilsynOf } from '../geography';
import type { RulesCatalogue } from '../rules/catalogue';
import type { Level, Ruleset } from '../rules/types';
import { type ApprovalFilter, type Page, type Refusal } from '../store/types';
import type { ApprovalRecord, EvaluationRecord, HistoryEntry, ProviderRef, RecordChange, RecordStore } from './records';
import { IN_FORCE_STATUSES, type ApprovalStatus, isInForce } from './status';
import { newId } from './ids';
import { today, type Clock } from '../time/clock';
import { addDays, addMonths, earlierOf, isIsoDate, periodEnd, type IsoDate } from '../time/dates';
import { canDecide, canSee } from './access';
import { renewalWindowOpensOn } from './recheck';
import { conflict, forbidden, invalid, notFound } from './errors';
import { approvalState } from './fold';

export interface EvaluationRequest {
  speciale: string;
  level: Level;
  evidence: unknown;
  version?: string;
  asOf?: IsoDate;
}

/** An evaluation as the API shows it: the stored record without the raw evidence. */
export interface EvaluationView {
  id: string | null;
  stored: boolean;
  speciale: string;
  level: Level;
  asOf: IsoDate;
  overall: EvaluationResult['overall'];
  rulesetVersion: string;
  rulesetHash: string;
  evidenceHash: string;
  engineVersion: string;
  provider: ProviderRef;
  createdAt: string;
  createdBy: string;
  approvalId?: string;
  result: EvaluationResult;
}

export interface DecisionRequest {
  evaluationId: string;
  decision: 'approved' | 'rejected';
  reason: string;
  validFrom?: IsoDate;
  validUntil?: IsoDate;
}


/** How far ahead of the decision an approval may begin. */
const MAX_MONTHS_AHEAD = 12;

export interface ApprovalServiceDeps {
  store: RecordStore;
  rules: RulesCatalogue;
  clock: Clock;
}

/**
 * Evaluations and approval decisions: the engine recommends, an inspector decides, and every step
 * is stored with the rule set version, its hash and the evidence hash, attributed and audited.
 */
export class ApprovalService {
  constructor(private readonly deps: ApprovalServiceDeps) {}

  private get store() {
    return this.deps.store;
  }

  private nowIso(): string {
    return this.deps.clock.now().toISOString();
  }

  resolveRuleset(speciale: string, version: string | undefined, asOf: IsoDate): Ruleset {
    const { rules } = this.deps;
    if (!rules.versions(speciale).length) throw notFound(`Specialet '${speciale}'`);
    if (version !== undefined) {
      const ruleset = rules.get(speciale, version);
      if (!ruleset) throw notFound(`Version ${version} af specialet '${speciale}'`);
      return ruleset;
    }
    const inForce = rules.inForceOn(speciale, asOf);
    if (!inForce) throw notFound(`En udgivet version af '${speciale}', der gælder ${asOf},`);
    return inForce;
  }

  /** `evidenceShapeChecked`: the caller has already applied the CPR guard and the evidence schema. */
  async evaluate(actor: Principal, request: EvaluationRequest, options: { dryRun: boolean; evidenceShapeChecked?: boolean }): Promise<EvaluationView> {
    const asOf = request.asOf ?? today(this.deps.clock);
    const ruleset = this.resolveRuleset(request.speciale, request.version, asOf);
    const problems = validateEvidence(request.evidence, { shapeChecked: options.evidenceShapeChecked }).map((p) => ({ pointer: `/evidence${p.pointer}`, message: p.message }));
    if (problems.length > 0) throw invalid('Dokumentationen er ugyldig', problems);
    const evidence = request.evidence as Evidence;
    const tilsyn = tilsynOf(evidence.provider.kommunekode) as string;
    if (!canSee(actor, tilsyn)) throw forbidden(`Tilbuddet hører under Socialtilsyn ${tilsyn}; du arbejder for Socialtilsyn ${actor.tilsyn}`);
    if (!options.dryRun && actor.role === 'socialstyrelsen') throw forbidden('Socialstyrelsen kan kun lave prøveevalueringer (dryRun=true)');
    if (!options.dryRun && ruleset.status !== 'published') {
      throw conflict(`Version ${ruleset.version} er ${ruleset.status === 'draft' ? 'et udkast' : 'trukket tilbage'}; kun udgivne versioner kan danne grundlag for en gemt evaluering (brug dryRun=true)`);
    }

    const result = await evaluate({ ruleset, level: request.level, evidence, asOf });
    const createdAt = this.nowIso();
    const record: EvaluationRecord = {
      id: newId(),
      speciale: ruleset.speciale,
      level: request.level,
      rulesetVersion: result.rulesetVersion,
      rulesetHash: result.rulesetHash,
      evidenceHash: result.evidenceHash,
      engineVersion: result.engine.version,
      asOf,
      overall: result.overall,
      provider: providerRef(result),
      evidence,
      result,
      createdAt,
      createdBy: actor.subject,
    };
    if (options.dryRun) return { ...toView(record), id: null, stored: false };
    await this.commit(actor, {
      evaluation: record,
      audit: {
        at: createdAt,
        subject: actor.subject,
        action: 'evaluation.created',
        entityType: 'evaluation',
        entityId: record.id,
        summary: { speciale: record.speciale, level: record.level, tilbudId: record.provider.tilbudId, rulesetVersion: record.rulesetVersion, overall: record.overall, evidenceHash: record.evidenceHash },
      },
    });
    return toView(record);
  }

  async getEvaluation(actor: Principal, id: string): Promise<EvaluationView> {
    return toView(await this.visibleEvaluation(actor, id));
  }

  private async visibleEvaluation(actor: Principal, id: string): Promise<EvaluationRecord> {
    const record = await this.store.getEvaluation(id);
    if (!record || !canSee(actor, record.provider.tilsyn)) throw notFound(`Evalueringen ${id}`);
    return record;
  }

  async getApproval(actor: Principal, id: string): Promise<ApprovalRecord> {
    const record = await this.store.getApproval(id);
    if (!record || !canSee(actor, record.tilsyn)) throw notFound(`Godkendelsen ${id}`);
    return record;
  }

  async listApprovals(actor: Principal, filter: ApprovalFilter, page: { limit: number; cursor?: string }): Promise<Page<ApprovalRecord>> {
    if (actor.role === 'inspector') {
      if (filter.tilsyn !== undefined && filter.tilsyn !== actor.tilsyn) return { items: [] };
      filter = { ...filter, tilsyn: actor.tilsyn };
    }
    return this.store.listApprovals(filter, page);
  }

  async decide(actor: Principal, request: DecisionRequest): Promise<ApprovalRecord> {
    const evaluation = await this.visibleEvaluation(actor, request.evaluationId);
    if (!canDecide(actor, evaluation.provider.tilsyn)) throw forbidden('Kun en tilsynsførende fra tilbuddets socialtilsyn (eller en administrator) kan træffe afgørelse');
    const ruleset = this.deps.rules.get(evaluation.speciale, evaluation.rulesetVersion);
    if (!ruleset) throw conflict(`Regelsættet ${evaluation.speciale} ${evaluation.rulesetVersion} er ikke længere indlæst`);
    const policy = ruleset.levels[evaluation.level].approvalPolicy;

    const todayIso = today(this.deps.clock);
    const validFrom = request.validFrom ?? todayIso;
    if (request.decision === 'approved') {
      assertEligible(evaluation);
      assertEvidenceCurrent(evaluation, todayIso);
      const existing = await this.store.listApprovals(
        { tilbudId: evaluation.provider.tilbudId, speciale: evaluation.speciale, level: evaluation.level },
        { limit: 200 },
      );
      const live = existing.items.find((a) => isInForce(a.status));
      if (live) throw this.inForceConflict(actor, live);
    }

    const startProblems = validFromProblems(validFrom, todayIso, request.decision === 'approved' ? evidenceOfEvaluationCurrentThrough(evaluation) : undefined);
    if (startProblems.length > 0) throw invalid('Gyldighedsperioden er ugyldig', startProblems);
    const maxUntil = periodEnd(validFrom, policy.validityMonths);
    const validUntil = request.validUntil ?? maxUntil;
    const dateProblems = validityProblems(validFrom, validUntil, maxUntil, policy.validityMonths);
    if (request.decision === 'approved' && isIsoDate(validUntil) && validUntil < todayIso) {
      dateProblems.push({ pointer: '/validUntil', message: `en godkendelse skal gælde i dag (${todayIso}) eller senere` });
    }
    if (dateProblems.length > 0) throw invalid('Gyldighedsperioden er ugyldig', dateProblems);

    const at = this.nowIso();
    const status: ApprovalStatus = request.decision === 'approved' ? 'active' : 'rejected';
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
      ...(status === 'active' ? { nextDueDate: earlierOf(addMonths(validFrom, policy.recheckIntervalMonths), validUntil) } : {}),
      history: [{ at, by: actor.subject, type: 'decision', reason: request.reason, evaluationId: evaluation.id, toStatus: status }],
      version: 1,
      createdAt: at,
      createdBy: actor.subject,
      updatedAt: at,
    };
    await this.commit(actor, {
      approval: { insert: record },
      audit: decisionEntry(record, {
        at,
        subject: actor.subject,
        action: status === 'active' ? 'approval.approved' : 'approval.rejected',
        summary: { evaluationId: evaluation.id, speciale: record.speciale, level: record.level, tilbudId: record.provider.tilbudId, validFrom, validUntil, reason: request.reason },
      }),
    });
    return record;
  }

  async revoke(actor: Principal, id: string, request: { reason: string; expectedVersion?: number }): Promise<ApprovalRecord> {
    const current = await this.decidableApproval(actor, id, request.expectedVersion);
    if (!isInForce(current.status)) throw conflict(`Godkendelsen har status '${current.status}' og kan ikke tilbagekaldes`);
    const at = this.nowIso();
    const entry: HistoryEntry = { at, by: actor.subject, type: 'revocation', reason: request.reason, fromStatus: current.status, toStatus: 'revoked' };
    const next: ApprovalRecord = { ...current, status: 'revoked', history: [...current.history, entry], updatedAt: at, version: current.version + 1 };
    delete next.nextDueDate;
    await this.commit(actor, {
      approval: { update: next, expectedVersion: current.version },
      audit: decisionEntry(next, { at, subject: actor.subject, action: 'approval.revoked', summary: { fromStatus: current.status, reason: request.reason } }),
    });
    return next;
  }

  async renew(
    actor: Principal,
    id: string,
    request: { evaluationId: string; reason?: string; validUntil?: IsoDate; expectedVersion?: number },
  ): Promise<ApprovalRecord> {
    const current = await this.decidableApproval(actor, id, request.expectedVersion);
    if (current.decision !== 'approved' || current.status === 'revoked') {
      throw conflict(`Godkendelsen har status '${current.status}' og kan ikke fornyes; der skal træffes en ny afgørelse`);
    }
    const evaluation = await this.visibleEvaluation(actor, request.evaluationId);
    if (
      evaluation.provider.tilbudId !== current.provider.tilbudId ||
      evaluation.speciale !== current.speciale ||
      evaluation.level !== current.level
    ) {
      throw conflict('Evalueringen gælder ikke samme tilbud, speciale og niveau som godkendelsen');
    }
    assertEligible(evaluation);
    const todayIso = today(this.deps.clock);
    assertEvidenceCurrent(evaluation, todayIso);
    const ruleset = this.deps.rules.get(evaluation.speciale, evaluation.rulesetVersion);
    if (!ruleset) throw conflict(`Regelsættet ${evaluation.speciale} ${evaluation.rulesetVersion} er ikke længere indlæst`);
    const policy = ruleset.levels[evaluation.level].approvalPolicy;
    // Renewing long before the end would stack a new full period on the old one; the window is the granting version's.
    if (current.validUntil >= todayIso) {
      const opensOn = renewalWindowOpensOn(current, this.deps.rules) ?? addMonths(current.validUntil, -policy.renewalWindowMonths);
      if (todayIso < opensOn) {
        throw conflict(`Godkendelsen kan tidligst fornyes ${opensOn}, når fornyelsesvinduet før udløbet ${current.validUntil} åbner`, { renewalWindowOpensOn: opensOn });
      }
    }
    // A renewal continues the approval: the new period starts the day after the old one ends (or today, if it has lapsed).
    const periodStart = current.validUntil >= todayIso ? addDays(current.validUntil, 1) : todayIso;
    const maxUntil = periodEnd(periodStart, policy.validityMonths);
    const validUntil = request.validUntil ?? maxUntil;
    const dateProblems = validityProblems(periodStart, validUntil, maxUntil, policy.validityMonths).map((p) => ({ ...p, pointer: '/validUntil' }));
    if (dateProblems.length > 0) throw invalid('Gyldighedsperioden er ugyldig', dateProblems);

    const at = this.nowIso();
    const entry: HistoryEntry = {
      at,
      by: actor.subject,
      type: 'renewal',
      reason: request.reason,
      evaluationId: evaluation.id,
      fromStatus: current.status,
      toStatus: 'active',
      details: { previousValidUntil: current.validUntil, validUntil, rulesetVersion: evaluation.rulesetVersion },
    };
    const next: ApprovalRecord = {
      ...current,
      status: 'active',
      validUntil,
      rulesetVersion: evaluation.rulesetVersion,
      rulesetHash: evaluation.rulesetHash,
      evaluationId: evaluation.id,
      nextDueDate: earlierOf(addMonths(todayIso, policy.recheckIntervalMonths), validUntil),
      history: [...current.history, entry],
      updatedAt: at,
      version: current.version + 1,
    };
    await this.commit(actor, {
      approval: { update: next, expectedVersion: current.version },
      audit: decisionEntry(next, {
        at,
        subject: actor.subject,
        action: 'approval.renewed',
        summary: { evaluationId: evaluation.id, previousValidUntil: current.validUntil, validUntil, rulesetVersion: evaluation.rulesetVersion, reason: request.reason ?? null },
      }),
    });
    return next;
  }

  /** 409: the provider has an approval in force. Its id is named only to someone who may see it (another tilsyn's answers 404). */
  private inForceConflict(actor: Principal, inForce: ApprovalRecord | null) {
    if (inForce && canSee(actor, inForce.tilsyn)) {
      return conflict(`Tilbuddet har allerede en gældende godkendelse (${inForce.id}) for samme speciale og niveau; forny den i stedet`, { approvalId: inForce.id });
    }
    return conflict('Tilbuddet har allerede en gældende godkendelse for samme speciale og niveau');
  }

  /** The approval if the actor may decide on it (404 when it may not even see it), at the expected version if one is given. */
  async decidableApproval(actor: Principal, id: string, expectedVersion?: number): Promise<ApprovalRecord> {
    const current = await this.getApproval(actor, id);
    if (!canDecide(actor, current.tilsyn)) throw forbidden('Kun en tilsynsførende fra tilbuddets socialtilsyn (eller en administrator) kan træffe afgørelse');
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw conflict(`Godkendelsen er ændret siden version ${expectedVersion} (nu version ${current.version}); hent den igen`, { currentVersion: current.version });
    }
    return current;
  }

  /** Commits a change with its audit entry; a refusal (another change came first) becomes the conflict it is. */
  private async commit(actor: Principal, change: RecordChange): Promise<void> {
    const outcome = await this.store.commit(change);
    if (!outcome.committed) throw await this.refused(actor, outcome);
  }

  private async refused(actor: Principal, refusal: Refusal): Promise<Error> {
    switch (refusal.reason) {
      case 'approval-in-force':
        return this.inForceConflict(actor, refusal.inForceId ? await this.store.getApproval(refusal.inForceId) : null);
      case 'stale-version':
        return conflict('Godkendelsen blev ændret af en anden i mellemtiden; hent den igen og prøv på ny');
      case 'duplicate-id':
        // Ids are fresh UUIDs: a duplicate is a bug, not the client's doing.
        return new Error(`a new record's id ${refusal.id} already exists in ${refusal.collection}`);
    }
  }
}

/** The audit entry of a decision about `record` (as it will be stored), carrying the state the chain check folds. */
function decisionEntry(record: ApprovalRecord, entry: Pick<AuditRecord, 'at' | 'subject' | 'action' | 'summary'>): AuditRecord {
  return { ...entry, entityType: 'approval', entityId: record.id, summary: { ...entry.summary, state: approvalState(record) } };
}

/** The last day the evaluation's evidence is current. */
function evidenceOfEvaluationCurrentThrough(evaluation: EvaluationRecord): IsoDate {
  const { reportingDate, maxAgeMonths } = evaluation.result.evidence;
  return evidenceCurrentThrough(reportingDate, maxAgeMonths);
}

/** A decision or renewal is made today, so the evidence must be current today, not only on the evaluation's date. */
function assertEvidenceCurrent(evaluation: EvaluationRecord, todayIso: IsoDate): void {
  const through = evidenceOfEvaluationCurrentThrough(evaluation);
  if (todayIso > through) {
    const { reportingDate, maxAgeMonths } = evaluation.result.evidence;
    throw conflict(
      `Dokumentationen (indberettet ${reportingDate}) er ældre, end regelsættet tillader (${maxAgeMonths} måneder); indhent ny dokumentation og evaluér igen`,
      { evidenceCurrentThrough: through },
    );
  }
}

/** An approval may start before today (the decision can confirm a period already begun), but not after its evidence has gone out of date, nor more than a year ahead. */
function validFromProblems(validFrom: IsoDate, todayIso: IsoDate, evidenceThrough: IsoDate | undefined) {
  if (!isIsoDate(validFrom)) return [{ pointer: '/validFrom', message: 'skal være en gyldig dato (ÅÅÅÅ-MM-DD)' }];
  const latest = addMonths(todayIso, MAX_MONTHS_AHEAD);
  if (validFrom > latest) return [{ pointer: '/validFrom', message: `må højst ligge ${MAX_MONTHS_AHEAD} måneder ude i fremtiden (senest ${latest})` }];
  if (evidenceThrough !== undefined && validFrom > evidenceThrough) {
    return [{ pointer: '/validFrom', message: `dokumentationen er kun aktuel til og med ${evidenceThrough}; godkendelsen skal begynde senest da` }];
  }
  return [];
}

function assertEligible(evaluation: EvaluationRecord): void {
  if (evaluation.overall === 'eligible') return;
  const { result } = evaluation;
  const unmet = result.requirements
    .filter((r) => r.severity === 'required' && !r.transitional && r.outcome !== 'met')
    .map((r) => ({ id: r.id, title: r.title, outcome: r.outcome }));
  throw conflict(`Evalueringen er ikke 'eligible' (${evaluation.overall}); ${unmet.length} påkrævede krav er ikke opfyldt`, {
    unmetRequirements: unmet,
  });
}

function validityProblems(validFrom: IsoDate, validUntil: IsoDate, maxUntil: IsoDate, months: number) {
  const problems: { pointer: string; message: string }[] = [];
  if (!isIsoDate(validFrom)) problems.push({ pointer: '/validFrom', message: 'skal være en gyldig dato (ÅÅÅÅ-MM-DD)' });
  if (!isIsoDate(validUntil)) problems.push({ pointer: '/validUntil', message: 'skal være en gyldig dato (ÅÅÅÅ-MM-DD)' });
  if (problems.length > 0) return problems;
  if (validUntil < validFrom) problems.push({ pointer: '/validUntil', message: `skal ligge efter gyldighedsperiodens start ${validFrom}` });
  if (validUntil > maxUntil) problems.push({ pointer: '/validUntil', message: `regelsættet tillader højst ${months} måneders gyldighed (senest ${maxUntil})` });
  return problems;
}


function providerRef(result: EvaluationResult): ProviderRef {
  const p = result.provider;
  return { tilbudId: p.tilbudId, cvr: p.cvr, name: p.name, kommunekode: p.kommunekode, region: p.region, tilsyn: p.tilsyn as ProviderRef['tilsyn'] };
}

export function toView(record: EvaluationRecord): EvaluationView {
  return {
    id: record.id,
    stored: true,
    speciale: record.speciale,
    level: record.level,
    asOf: record.asOf,
    overall: record.overall,
    rulesetVersion: record.rulesetVersion,
    rulesetHash: record.rulesetHash,
    evidenceHash: record.evidenceHash,
    engineVersion: record.engineVersion,
    provider: record.provider,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    ...(record.approvalId ? { approvalId: record.approvalId } : {}),
    result: record.result,
  };
}
