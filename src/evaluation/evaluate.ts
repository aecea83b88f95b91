import type { Evidence } from '../evidence/types';
import { municipality, regionOf, tilsynOf } from '../geography';
import { describeRequirementSentence } from './explain';
import { readinessOf, type ReadinessContext } from './readiness';
import { EVALUATOR_SEMANTICS_VERSION } from './semantics';
import { contentHash, rulesetHash } from '../rules/hash';
import type { Level, Ruleset } from '../rules/types';
import { wholeMonthsBetween, type IsoDate } from '../time/dates';
import { evidenceOverdueOn } from './currency';
import { compiledLevel } from './compile';
import { ENGINE_VERSION } from './reference';
import type { ConditionResult, EvaluationResult, Overall, RequirementOutcome, RequirementResult } from './types';

/**
 * The version of json-rules-engine whose semantics the compiled evaluator has (the differential test holds
 * it to them), recorded with every evaluation as before the evaluator was compiled.
 */
export { ENGINE_VERSION };

export interface EvaluationInput {
  ruleset: Ruleset;
  level: Level;
  /** Validated evidence (see validateEvidence). */
  evidence: Evidence;
  asOf: IsoDate;
  /** Requirements in a running transition period: evaluated and shown, but not counted in the overall result. */
  transitionalRequirementIds?: ReadonlySet<string>;
  /** Last day of that transition period, for the explanation. */
  transitionEndsOn?: IsoDate;
  /**
   * The day and the version in force that day, for `approvable` and `blockers`. Default: `asOf`, and the rule
   * set itself when it is published and its dates include `asOf` (the rule set alone cannot know of a newer one).
   */
  readiness?: ReadinessContext;
  /**
   * contentHash(evidence), computed once where the evidence is received or stored and kept with it; when
   * absent it is computed here (it costs about as much as the rest of an evaluation).
   */
  evidenceHash?: string;
}

/** By Truth: FALSE, TRUE, UNKNOWN. */
const OUTCOME_OF: readonly RequirementOutcome[] = ['not-met', 'met', 'insufficient-evidence'];

// Worked out once per rule set: its hash, like its compiled closures, does not change.
const rulesetHashes = new WeakMap<Ruleset, string>();
function hashOf(ruleset: Ruleset): string {
  let hash = rulesetHashes.get(ruleset);
  if (hash === undefined) {
    hash = rulesetHash(ruleset);
    rulesetHashes.set(ruleset, hash);
  }
  return hash;
}

export { evidenceCurrentThrough, evidenceOverdueOn } from './currency';

/**
 * Evaluate evidence against one level of a rule set as of a date: per requirement met / not met /
 * insufficient evidence with every leaf's actual and required value, and the overall result.
 * Deterministic: the same inputs give an identical result (no clock, no randomness inside).
 */
export async function evaluate(input: EvaluationInput): Promise<EvaluationResult> {
  const { ruleset, level, evidence, asOf } = input;
  const compiled = compiledLevel(ruleset, level);
  const values = compiled.derive(evidence, asOf);

  const transitional = input.transitionalRequirementIds;
  const requirements: RequirementResult[] = compiled.requirements.map(({ requirement, negated, judge }) => {
    const leaves: ConditionResult[] = [];
    const truth = judge(values, leaves);
    const outcome = OUTCOME_OF[truth];
    const inTransition = transitional !== undefined && transitional.has(requirement.id);
    return {
      id: requirement.id,
      category: requirement.category,
      severity: requirement.severity,
      title: requirement.title.da,
      outcome,
      transitional: inTransition,
      explanation: describeRequirementSentence(outcome, leaves, inTransition ? input.transitionEndsOn ?? null : undefined, negated),
      conditions: leaves,
    };
  });

  const counted = requirements.filter((r) => r.severity === 'required' && !r.transitional);
  const unmetRequired = counted.filter((r) => r.outcome === 'not-met').map((r) => r.id);
  const insufficientRequired = counted.filter((r) => r.outcome === 'insufficient-evidence').map((r) => r.id);
  const overall: Overall = unmetRequired.length > 0 ? 'not-eligible' : insufficientRequired.length > 0 ? 'incomplete' : 'eligible';
  const policy = ruleset.levels[level].approvalPolicy;
  const ageMonths = wholeMonthsBetween(evidence.reportingDate, asOf);
  const kommune = municipality(evidence.provider.kommunekode);

  const assessed: Omit<EvaluationResult, 'approvable' | 'blockers' | 'summary'> = {
    speciale: ruleset.speciale,
    level,
    rulesetVersion: ruleset.version,
    rulesetHash: hashOf(ruleset),
    evidenceHash: input.evidenceHash ?? contentHash(evidence),
    engine: { name: 'json-rules-engine', version: ENGINE_VERSION },
    semanticsVersion: EVALUATOR_SEMANTICS_VERSION,
    asOf,
    provider: {
      tilbudId: evidence.provider.tilbudId,
      cvr: evidence.provider.cvr,
      name: evidence.provider.name,
      kommunekode: evidence.provider.kommunekode,
      municipality: kommune?.navn ?? evidence.provider.kommunekode,
      region: regionOf(evidence.provider.kommunekode) ?? 'ukendt',
      tilsyn: tilsynOf(evidence.provider.kommunekode) ?? 'ukendt',
      ownerType: evidence.provider.ownerType,
    },
    evidence: {
      reportingDate: evidence.reportingDate,
      ageMonths,
      maxAgeMonths: policy.maxEvidenceAgeMonths,
      overdue: evidenceOverdueOn(asOf, evidence.reportingDate, policy.maxEvidenceAgeMonths),
    },
    overall,
    unmetRequired,
    insufficientRequired,
    unmetAdvisory: requirements.filter((r) => r.severity === 'advisory' && r.outcome !== 'met').map((r) => r.id),
    transitional: requirements.filter((r) => r.transitional).map((r) => r.id),
    requirements,
  };
  const { approvable, blockers, summary } = readinessOf(assessed, input.readiness ?? ownReadiness(ruleset, asOf));
  // Keys in the order the API has always shown them.
  // Listed key by key: object rest and spread here cost more than the compiled rules themselves (profile, README).
  const a = assessed;
  return {
    speciale: a.speciale, level: a.level, rulesetVersion: a.rulesetVersion, rulesetHash: a.rulesetHash, evidenceHash: a.evidenceHash, engine: a.engine,
    semanticsVersion: a.semanticsVersion, asOf: a.asOf, provider: a.provider, evidence: a.evidence, overall: a.overall, approvable, blockers, summary,
    unmetRequired: a.unmetRequired, insufficientRequired: a.insufficientRequired, unmetAdvisory: a.unmetAdvisory, transitional: a.transitional, requirements: a.requirements,
  };
}

/** What a rule set can say of itself on a day: in force if published and its dates include the day. */
function ownReadiness(ruleset: Ruleset, day: IsoDate): ReadinessContext {
  const inForce = ruleset.status === 'published' && ruleset.effectiveFrom <= day && (ruleset.effectiveTo === undefined || day <= ruleset.effectiveTo);
  return { today: day, versionInForce: inForce ? ruleset.version : null };
}
