import { Engine, Fact, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { factDefinition, type VocabularyName } from '../evidence/catalogue';
import { deriveFact } from '../evidence/derive';
import type { Evidence } from '../evidence/types';
import { municipality, regionOf, tilsynOf } from '../geography';
import { describeRequirementSentence } from './explain';
import { readinessOf, type ReadinessContext } from './readiness';
import { EVALUATOR_SEMANTICS_VERSION } from './semantics';
import { contentHash, rulesetHash } from '../rules/hash';
import { formatValue, factPhrase, requirementPhrase, capitalize } from '../rules/describe';
import { isLeaf, requirementsFor, type Condition, type LeafCondition, type Level, type Requirement, type Ruleset } from '../rules/types';
import { wholeMonthsBetween, type IsoDate } from '../time/dates';
import { evidenceOverdueOn } from './currency';
import type { ConditionOutcome, ConditionResult, EvaluationResult, Overall, RequirementOutcome, RequirementResult } from './types';

/** The installed json-rules-engine's version, recorded with every evaluation. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ENGINE_VERSION: string = require('json-rules-engine/package.json').version;

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
}

/** What an explanation needs of a leaf that does not depend on the evidence, worked out once per rule set. */
interface LeafText {
  unit: string | null;
  vocabulary: VocabularyName | undefined;
  /** The explanation when the fact cannot be derived. */
  missing: string;
  /** Otherwise the explanation is `found`, the formatted value, then `met` or `notMet`. */
  found: string;
  met: string;
  notMet: string;
}

function leafText(leaf: LeafCondition): LeafText {
  const fact = capitalize(factPhrase(leaf));
  const required = requirementPhrase(leaf);
  const definition = factDefinition(leaf.fact);
  return {
    unit: definition?.unit ?? null,
    vocabulary: definition?.vocabulary,
    missing: `${fact} kan ikke opgøres: dokumentationen indeholder ikke '${definition?.requires ?? leaf.fact}' (krav: ${required}).`,
    found: `${fact} er `,
    met: ` (krav: ${required}) – opfyldt.`,
    notMet: ` (krav: ${required}) – ikke opfyldt.`,
  };
}

interface CompiledLevel {
  engine: Engine;
  requirements: Requirement[];
  /** Per requirement id: its leaves' texts in the order `judge` visits them. */
  leafTexts: Map<string, LeafText[]>;
  factIds: string[];
  hash: string;
}

// Building an engine parses every rule; done once per rule set and level, then reused for every evaluation.
const compiledCache = new WeakMap<Ruleset, Map<Level, CompiledLevel>>();

function compile(ruleset: Ruleset, level: Level): CompiledLevel {
  let byLevel = compiledCache.get(ruleset);
  if (!byLevel) {
    byLevel = new Map();
    compiledCache.set(ruleset, byLevel);
  }
  const cached = byLevel.get(level);
  if (cached) return cached;

  const requirements = requirementsFor(ruleset, level);
  const leavesById = new Map(requirements.map((r) => [r.id, leavesInOrder(r.conditions)]));
  const allLeaves = [...leavesById.values()].flat();
  const engine = engineFor(requirements);
  const leafTexts = new Map<string, LeafText[]>();
  for (const requirement of requirements) leafTexts.set(requirement.id, (leavesById.get(requirement.id) as LeafCondition[]).map(leafText));
  const factIds = [...new Set(allLeaves.map((leaf) => leaf.fact))];
  const compiledLevel = { engine, requirements, leafTexts, factIds, hash: rulesetHash(ruleset) };
  byLevel.set(level, compiledLevel);
  return compiledLevel;
}

/** A json-rules-engine with one rule per requirement, configured as the evaluator runs it. */
export function engineFor(requirements: Requirement[]): Engine {
  const allLeaves = requirements.flatMap((r) => leavesInOrder(r.conditions));
  const engine = new Engine([], {
    allowUndefinedFacts: true,
    // The rules schema only allows `$.<key>` paths; anything else is left to the engine's JSONPath.
    ...(allLeaves.every((leaf) => leaf.path === undefined || KEY_PATH.test(leaf.path)) ? { pathResolver: ownProperty } : {}),
  });
  engine.addOperator('dateOnOrAfter', (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a >= b);
  engine.addOperator('dateOnOrBefore', (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a <= b);
  for (const requirement of requirements) {
    const rule: RuleProperties = {
      name: requirement.id,
      conditions: requirement.conditions as unknown as TopLevelCondition,
      event: { type: requirement.id },
    };
    engine.addRule(rule);
  }
  return engine;
}

/**
 * A fact computed per lookup, without the engine's cache: it hashes the params of every lookup
 * (hash-it), which costs more than deriving the few facts two leaves share once more.
 */
export function uncachedFact(id: string, value: (params: Record<string, unknown>) => unknown): Fact {
  return new Fact(id, (params) => value(params ?? {}), { cache: false });
}

const KEY_PATH = /^\$\.[A-Za-z0-9_-]+$/;

/**
 * What JSONPath gives for `$.<key>` on an object or array: the own property, else undefined. JSONPath
 * parses the path on every lookup and throws and catches an Error for every number it returns.
 */
function ownProperty(value: object, path: string): unknown {
  const key = path.slice(2);
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function leavesInOrder(condition: Condition, into: LeafCondition[] = []): LeafCondition[] {
  if (isLeaf(condition)) into.push(condition);
  else if ('all' in condition) condition.all.forEach((c) => leavesInOrder(c, into));
  else if ('any' in condition) condition.any.forEach((c) => leavesInOrder(c, into));
  else leavesInOrder(condition.not, into);
  return into;
}

/** The shape json-rules-engine gives back for an evaluated condition tree. */
interface EvaluatedCondition {
  all?: EvaluatedCondition[];
  any?: EvaluatedCondition[];
  not?: EvaluatedCondition;
  fact?: string;
  operator?: string;
  value?: unknown;
  path?: string;
  params?: Record<string, unknown>;
  factResult?: unknown;
  result?: boolean;
}

/** Three-valued: a condition over a missing fact is neither met nor not met. */
type Truth = true | false | 'unknown';

/** `negated[i]`: leaf i sits under an odd number of `not`s, so its being met counts against the requirement. */
function judge(node: EvaluatedCondition, leaves: ConditionResult[], texts: LeafText[], negated: boolean[], underNot = false): Truth {
  if (node.all) {
    const parts = node.all.map((c) => judge(c, leaves, texts, negated, underNot));
    return parts.includes(false) ? false : parts.includes('unknown') ? 'unknown' : true;
  }
  if (node.any) {
    const parts = node.any.map((c) => judge(c, leaves, texts, negated, underNot));
    return parts.includes(true) ? true : parts.includes('unknown') ? 'unknown' : false;
  }
  if (node.not) {
    const inner = judge(node.not, leaves, texts, negated, !underNot);
    return inner === 'unknown' ? 'unknown' : !inner;
  }
  negated.push(underNot);
  const text = texts[leaves.length];
  const missing = node.factResult === undefined;
  const outcome: ConditionOutcome = missing ? 'missing' : node.result === true ? 'met' : 'not-met';
  const explanation = missing
    ? text.missing
    : text.found + formatValue(node.factResult, text.unit, text.vocabulary) + (outcome === 'met' ? text.met : text.notMet);
  // Built key by key: `...(c ? { path } : {})` spreads cost more than everything else about a leaf.
  const leaf = { fact: node.fact as string } as ConditionResult;
  if (node.path !== undefined) leaf.path = node.path;
  if (node.params !== undefined) leaf.params = node.params;
  leaf.operator = node.operator as string;
  leaf.required = node.value;
  leaf.actual = missing ? null : node.factResult;
  leaf.unit = text.unit;
  leaf.outcome = outcome;
  leaf.explanation = explanation;
  leaves.push(leaf);
  return missing ? 'unknown' : outcome === 'met';
}

const OUTCOME_OF: Record<string, RequirementOutcome> = { true: 'met', false: 'not-met', unknown: 'insufficient-evidence' };

export { evidenceCurrentThrough, evidenceOverdueOn } from './currency';

/**
 * Evaluate evidence against one level of a rule set as of a date: per requirement met / not met /
 * insufficient evidence with every leaf's actual and required value, and the overall result.
 * Deterministic: the same inputs give an identical result (no clock, no randomness inside).
 */
export async function evaluate(input: EvaluationInput): Promise<EvaluationResult> {
  const { ruleset, level, evidence, asOf } = input;
  const compiled = compile(ruleset, level);
  // Derivations are pure, so deriving a shared fact again gives the same value (see uncachedFact).
  const runtimeFacts: Record<string, Fact> = {};
  for (const id of compiled.factIds) runtimeFacts[id] = uncachedFact(id, (params) => deriveFact(id, evidence, asOf, params));

  const { results, failureResults } = await compiled.engine.run(runtimeFacts);
  const evaluatedById = new Map<string, EvaluatedCondition>();
  for (const r of [...results, ...failureResults]) evaluatedById.set(r.name as string, r.conditions as unknown as EvaluatedCondition);

  const transitional = input.transitionalRequirementIds ?? new Set<string>();
  const requirements: RequirementResult[] = compiled.requirements.map((requirement) => {
    const leaves: ConditionResult[] = [];
    const negated: boolean[] = [];
    const truth = judge(evaluatedById.get(requirement.id) as EvaluatedCondition, leaves, compiled.leafTexts.get(requirement.id) as LeafText[], negated);
    const outcome = OUTCOME_OF[String(truth)];
    const inTransition = transitional.has(requirement.id);
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
    rulesetHash: compiled.hash,
    evidenceHash: contentHash(evidence),
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
  const { unmetRequired: u, insufficientRequired: i, unmetAdvisory, transitional: t, requirements: r, ...head } = assessed;
  return { ...head, approvable, blockers, summary, unmetRequired: u, insufficientRequired: i, unmetAdvisory, transitional: t, requirements: r };
}

/** What a rule set can say of itself on a day: in force if published and its dates include the day. */
function ownReadiness(ruleset: Ruleset, day: IsoDate): ReadinessContext {
  const inForce = ruleset.status === 'published' && ruleset.effectiveFrom <= day && (ruleset.effectiveTo === undefined || day <= ruleset.effectiveTo);
  return { today: day, versionInForce: inForce ? ruleset.version : null };
}
