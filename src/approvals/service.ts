import type { Principal } from '../auth';
import { evaluate } from '../evaluation/evaluate';
import { contentHash } from '../rules/hash';
import type { EvaluationResult } from '../evaluation/types';
import type { Evidence } from '../evidence/types';
import { evidenceDateProblems } from '../evidence/dates';
import { validateEvidence } from '../evidence/validate';
import { readinessOf, type Blocker, type Readiness, type ReadinessContext } from '../evaluation/readiness';
import { UNRECORDED_SEMANTICS_VERSION } from '../evaluation/semantics';
import { tilsynOf } from '../geography';
import type { RulesCatalogue } from '../rules/catalogue';
import type { Level, Ruleset } from '../rules/types';
import { type ApprovalFilter, type Page } from '../store/types';
import type { ApprovalRecord, EvaluationRecord, ProviderRef, RecordChange, RecordStore } from './records';
import { newId } from './ids';
import { today, type Clock } from '../time/clock';
import type { IsoDate } from '../time/dates';
import { canSee } from './access';
import { assertMayStoreEvaluation } from './advisory';
import { assignAdvisory, type AssignmentRequest } from './assignAdvisory';
import { decide, type DecisionRequest } from './decide';
import { refusalConflict, tilsynApproval } from './decisionSupport';
import { renew, type RenewRequest } from './renew';
import { revoke, type RevokeRequest } from './revoke';
import { withCurrentProvider } from '../providers/currentProvider';
import { checkEvidenceProvider, commitRegistering, providerRegistration } from '../providers/evidenceProvider';
import { conflict, forbidden, invalid, notFound, type InvalidParamError } from './errors';

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
  /** The evaluator's semantics the evaluation was made under (src/evaluation/semantics.ts). */
  semanticsVersion: number;
  /** Whether it can be the ground of an approval today, and what stands in the way (src/evaluation/readiness.ts). */
  approvable: boolean;
  blockers: Blocker[];
  provider: ProviderRef;
  createdAt: string;
  createdBy: string;
  approvalId?: string;
  result: EvaluationResult;
}

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
    const todayIso = today(this.deps.clock);
    const asOf = request.asOf ?? todayIso;
    const ruleset = this.resolveRuleset(request.speciale, request.version, asOf);
    // Evidence dated after its reporting date, or reported after today, is refused with its code (src/evidence/dates.ts).
    const problems: InvalidParamError[] = validateEvidence(request.evidence, { shapeChecked: options.evidenceShapeChecked, today: todayIso }).map((p) => ({
      pointer: `/evidence${p.pointer}`,
      message: p.message,
      ...(p.code !== undefined ? { code: p.code } : {}),
    }));
    const reportedOn = problems.length === 0 ? (request.evidence as Evidence).reportingDate : undefined;
    if (request.asOf !== undefined && reportedOn !== undefined && request.asOf < reportedOn) {
      problems.push({ pointer: '/asOf', code: 'as-of-before-reporting-date', message: `vurderingsdatoen ligger før dokumentationens indberetningsdato ${reportedOn}` });
    }
    // A stored evaluation is under the version in force on its date; dry runs may try any version.
    if (!options.dryRun && request.version !== undefined && ruleset.status === 'published') {
      const inForce = this.deps.rules.inForceOn(request.speciale, asOf);
      if (inForce?.version !== ruleset.version) {
        problems.push({
          pointer: '/version',
          code: 'version-not-in-force',
          message: `version ${ruleset.version} gælder ikke på vurderingsdatoen ${asOf} (${inForce ? `der gælder version ${inForce.version}` : 'ingen udgivet version gælder'}); udelad version, eller brug dryRun=true`,
        });
      }
    }
    if (problems.length > 0) {
      const codes = new Set(problems.map((p) => p.code));
      const code = codes.size === 1 ? [...codes][0] : undefined;
      throw invalid(problems.every((p) => p.pointer.startsWith('/evidence')) ? 'Dokumentationen er ugyldig' : 'Evalueringen kan ikke foretages som angivet', problems, code);
    }
    const evidence = request.evidence as Evidence;
    // The register decides who the provider is and where: evidence naming another CVR or municipality for a
    // registered tilbudId is refused (provider-mismatch), and access goes by the registered tilsyn, not by the
    // municipality typed (src/providers/evidenceProvider.ts).
    const registered = await checkEvidenceProvider(this.store, actor, evidence.provider);
    const tilsyn = registered?.tilsyn ?? (tilsynOf(evidence.provider.kommunekode) as string);
    if (!canSee(actor, tilsyn)) throw forbidden(`Tilbuddet hører under Socialtilsyn ${tilsyn}; du arbejder for Socialtilsyn ${actor.tilsyn}`);
    if (!options.dryRun) assertMayStoreEvaluation(actor, request.level);
    if (!options.dryRun && ruleset.status !== 'published') {
      throw conflict(`Version ${ruleset.version} er ${ruleset.status === 'draft' ? 'et udkast' : 'trukket tilbage'}; kun udgivne versioner kan danne grundlag for en gemt evaluering (brug dryRun=true)`);
    }

    const readiness = this.readinessOn(ruleset.speciale, todayIso);
    // Hashed once, here where the evidence is received; re-checks reuse the hash stored with it.
    const result = await evaluate({ ruleset, level: request.level, evidence, asOf, readiness, evidenceHash: contentHash(evidence) });
    const createdAt = this.nowIso();
    const record: EvaluationRecord = {
      id: newId(),
      speciale: ruleset.speciale,
      level: request.level,
      rulesetVersion: result.rulesetVersion,
      rulesetHash: result.rulesetHash,
      evidenceHash: result.evidenceHash,
      engineVersion: result.engine.version,
      semanticsVersion: result.semanticsVersion,
      asOf,
      overall: result.overall,
      provider: providerRef(result),
      evidence,
      result,
      createdAt,
      createdBy: actor.subject,
    };
    if (options.dryRun) return { ...toView(record, readiness), id: null, stored: false };
    await this.commit(actor, {
      evaluation: record,
      // A provider not yet in the register is registered with its first stored evaluation, in the same commit.
      ...(registered ? {} : { provider: { insert: providerRegistration(record.provider, record.id, actor.subject, createdAt) } }),
      audit: {
        at: createdAt,
        subject: actor.subject,
        action: 'evaluation.created',
        entityType: 'evaluation',
        entityId: record.id,
        summary: { speciale: record.speciale, level: record.level, tilbudId: record.provider.tilbudId, rulesetVersion: record.rulesetVersion, overall: record.overall, evidenceHash: record.evidenceHash },
      },
    });
    return toView(record, readiness);
  }

  /** What `approvable` is judged against on a day: the version in force that day. */
  private readinessOn(speciale: string, day: IsoDate, evidenceProblems?: ReadinessContext['evidenceDateProblems']): ReadinessContext {
    return { today: day, versionInForce: this.deps.rules.inForceOn(speciale, day)?.version ?? null, ...(evidenceProblems ? { evidenceDateProblems: evidenceProblems } : {}) };
  }

  /**
   * A stored evaluation as shown today: `approvable`, `blockers` and the summary worked out for today, also for
   * an evaluation stored before its evidence's dates were checked (which is not rewritten: it shows a blocker).
   */
  async getEvaluation(actor: Principal, id: string): Promise<EvaluationView> {
    const record = await this.visibleEvaluation(actor, id);
    const todayIso = today(this.deps.clock);
    return toView(record, this.readinessOn(record.speciale, todayIso, evidenceDateProblems(record.evidence, { today: todayIso, asOf: record.asOf })));
  }

  private async visibleEvaluation(actor: Principal, id: string): Promise<EvaluationRecord> {
    const stored = await this.store.getEvaluation(id);
    // Evaluations follow their provider: read where the register has it now (src/providers/currentProvider.ts).
    const record = stored && (await withCurrentProvider(this.store, stored));
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

  /** A socialtilsyn's decision on a specialfunktion (decide.ts). */
  async decide(actor: Principal, request: DecisionRequest): Promise<ApprovalRecord> {
    return decide(this.deps, actor, request);
  }

  /** Socialstyrelsen assigns a rådgivningsfunktion after a tender (assignAdvisory.ts). */
  async assignAdvisory(actor: Principal, request: AssignmentRequest): Promise<ApprovalRecord> {
    return assignAdvisory(this.deps, actor, request);
  }

  async revoke(actor: Principal, id: string, request: RevokeRequest): Promise<ApprovalRecord> {
    return revoke(this.deps, actor, id, request);
  }

  async renew(actor: Principal, id: string, request: RenewRequest): Promise<ApprovalRecord> {
    return renew(this.deps, actor, id, request);
  }

  /** The approval if the actor's socialtilsyn may act on it (re-checks, new evidence); 404 when it may not even see it. */
  async decidableApproval(actor: Principal, id: string, expectedVersion?: number): Promise<ApprovalRecord> {
    return tilsynApproval(this.deps, actor, id, expectedVersion);
  }

  /** Commits a change with its audit entry; a refusal (another change came first) becomes the conflict it is. */
  private async commit(actor: Principal, change: RecordChange): Promise<void> {
    // A change registering its evaluation's provider is compared again if another registered it first.
    const outcome = await commitRegistering(this.store, actor, change);
    if (!outcome.committed) throw await refusalConflict(this.deps, actor, outcome);
  }
}

function providerRef(result: EvaluationResult): ProviderRef {
  const p = result.provider;
  return { tilbudId: p.tilbudId, cvr: p.cvr, name: p.name, kommunekode: p.kommunekode, region: p.region, tilsyn: p.tilsyn as ProviderRef['tilsyn'] };
}

/**
 * The API's view of an evaluation. With `now`, `approvable`, `blockers` and the summary are worked out for
 * that day (in the view and its result); without, they are as stored. Evaluations stored before the
 * evaluator's semantics were recorded show version 1.
 */
export function toView(record: EvaluationRecord, now?: ReadinessContext): EvaluationView {
  const semanticsVersion = record.semanticsVersion ?? record.result.semanticsVersion ?? UNRECORDED_SEMANTICS_VERSION;
  const shown: Readiness = now
    ? readinessOf(record.result, now)
    : { approvable: record.result.approvable ?? false, blockers: record.result.blockers ?? [], summary: record.result.summary };
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
    semanticsVersion,
    approvable: shown.approvable,
    blockers: shown.blockers,
    provider: record.provider,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    ...(record.approvalId ? { approvalId: record.approvalId } : {}),
    result: { ...record.result, semanticsVersion, ...shown },
  };
}
