/**
 * Evaluating a provider's evidence against a speciale's rules (POST /v1/evaluations): the engine recommends,
 * and a stored evaluation is recorded with the rule set version, its hash and the evidence hash, attributed
 * and audited; a dry run answers without storing.
 */
import type { Principal } from '../auth';
import { evaluate } from '../evaluation/evaluate';
import type { EvaluationResult } from '../evaluation/types';
import type { Evidence } from '../evidence/types';
import { validateEvidence } from '../evidence/validate';
import { tilsynOf } from '../geography';
import { checkEvidenceProvider, commitRegistering, providerRegistration } from '../providers/evidenceProvider';
import type { RulesCatalogue } from '../rules/catalogue';
import { contentHash } from '../rules/hash';
import type { Level, Ruleset } from '../rules/types';
import { today } from '../time/clock';
import type { IsoDate } from '../time/dates';
import { canSee } from './access';
import { assertMayStoreEvaluation } from './advisory';
import { refusalConflict, type DecisionDeps } from './decisionSupport';
import { conflict, forbidden, invalid, notFound, type InvalidParamError } from './errors';
import { readinessOn, toView, type EvaluationView } from './evaluationView';
import { newId } from './ids';
import { evaluationRecord, type ProviderRef } from './records';

export interface EvaluationRequest {
  speciale: string;
  level: Level;
  evidence: unknown;
  version?: string;
  asOf?: IsoDate;
}

export interface EvaluationOptions {
  dryRun: boolean;
  /** The caller has already applied the CPR guard and the evidence schema. */
  evidenceShapeChecked?: boolean;
}

/** The version asked for, or the published one in force on `asOf`; 404 naming what is missing. */
export function resolveRuleset(rules: RulesCatalogue, speciale: string, version: string | undefined, asOf: IsoDate): Ruleset {
  if (!rules.versions(speciale).length) throw notFound(`Specialet '${speciale}'`, 'speciale-not-found');
  if (version !== undefined) {
    const ruleset = rules.get(speciale, version);
    if (!ruleset) throw notFound(`Version ${version} af specialet '${speciale}'`, 'ruleset-version-not-found');
    return ruleset;
  }
  const inForce = rules.inForceOn(speciale, asOf);
  if (!inForce) throw notFound(`En udgivet version af '${speciale}', der gælder ${asOf},`, 'no-version-in-force');
  return inForce;
}

export async function evaluateRequest(deps: DecisionDeps, actor: Principal, request: EvaluationRequest, options: EvaluationOptions): Promise<EvaluationView> {
  const todayIso = today(deps.clock);
  const asOf = request.asOf ?? todayIso;
  const ruleset = resolveRuleset(deps.rules, request.speciale, request.version, asOf);
  // Evidence dated after its reporting date, or reported after today, is refused with its code (src/evidence/dates.ts).
  const problems: InvalidParamError[] = validateEvidence(request.evidence, { shapeChecked: options.evidenceShapeChecked, today: todayIso }).map((p) => ({
    pointer: `/evidence${p.pointer}`,
    message: p.message,
    code: p.code,
  }));
  const reportedOn = problems.length === 0 ? (request.evidence as Evidence).reportingDate : undefined;
  if (request.asOf !== undefined && reportedOn !== undefined && request.asOf < reportedOn) {
    problems.push({ pointer: '/asOf', code: 'as-of-before-reporting-date', message: `vurderingsdatoen ligger før dokumentationens indberetningsdato ${reportedOn}` });
  }
  // A stored evaluation is under the version in force on its date; dry runs may try any version.
  if (!options.dryRun && request.version !== undefined && ruleset.status === 'published') {
    const inForce = deps.rules.inForceOn(request.speciale, asOf);
    if (inForce?.version !== ruleset.version) {
      problems.push({
        pointer: '/version',
        code: 'version-not-in-force-on-as-of',
        message: `version ${ruleset.version} gælder ikke på vurderingsdatoen ${asOf} (${inForce ? `der gælder version ${inForce.version}` : 'ingen udgivet version gælder'}); udelad version, eller brug dryRun=true`,
      });
    }
  }
  if (problems.length > 0) {
    throw invalid(problems.every((p) => p.pointer.startsWith('/evidence')) ? 'Dokumentationen er ugyldig' : 'Evalueringen kan ikke foretages som angivet', problems);
  }
  const evidence = request.evidence as Evidence;
  // The register decides who the provider is and where: evidence naming another CVR or municipality for a
  // registered tilbudId is refused (provider-mismatch), and access goes by the registered tilsyn, not by the
  // municipality typed (src/providers/evidenceProvider.ts).
  const registered = await checkEvidenceProvider(deps.store, actor, evidence.provider);
  const tilsyn = registered?.tilsyn ?? (tilsynOf(evidence.provider.kommunekode) as string);
  if (!canSee(actor, tilsyn)) throw forbidden(`Tilbuddet hører under Socialtilsyn ${tilsyn}; du arbejder for Socialtilsyn ${actor.tilsyn}`, 'provider-of-other-tilsyn');
  if (!options.dryRun) assertMayStoreEvaluation(actor, request.level);
  if (!options.dryRun && ruleset.status !== 'published') {
    throw conflict(`Version ${ruleset.version} er ${ruleset.status === 'draft' ? 'et udkast' : 'trukket tilbage'}; kun udgivne versioner kan danne grundlag for en gemt evaluering (brug dryRun=true)`, {}, 'version-not-published');
  }

  const readiness = readinessOn(deps.rules, ruleset.speciale, todayIso);
  // Hashed once, here where the evidence is received; re-checks reuse the hash stored with it.
  const result = await evaluate({ ruleset, level: request.level, evidence, asOf, readiness, evidenceHash: contentHash(evidence) });
  const createdAt = deps.clock.now().toISOString();
  const record = evaluationRecord(result, { id: newId(), provider: providerRef(result), evidence, createdAt, createdBy: actor.subject });
  if (options.dryRun) return { ...toView(record, readiness), id: null, stored: false };
  // A provider not yet in the register is registered with its first stored evaluation, in the same commit;
  // if another change registered it first, the evidence is compared again.
  const outcome = await commitRegistering(deps.store, actor, {
    evaluation: record,
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
  if (!outcome.committed) throw await refusalConflict(deps, actor, outcome);
  return toView(record, readiness);
}

function providerRef(result: EvaluationResult): ProviderRef {
  const p = result.provider;
  return { tilbudId: p.tilbudId, cvr: p.cvr, name: p.name, kommunekode: p.kommunekode, region: p.region, tilsyn: p.tilsyn as ProviderRef['tilsyn'] };
}
