import { Engine, Fact, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { deriveFact } from '../evidence/derive';
import type { Evidence } from '../evidence/types';
import { isLeaf, requirementsFor, type Condition, type LeafCondition, type Level, type Requirement, type Ruleset } from '../rules/types';
import type { IsoDate } from '../time/dates';
import type { ConditionOutcome, ConditionResult, RequirementOutcome } from './types';

/**
 * json-rules-engine, the reference semantics of the rule format, run as the evaluator ran it before it
 * was compiled (src/evaluation/compile.ts). Not on any request's path: the differential property test
 * holds the compiled evaluator to it, and the bench measures it beside the compiled evaluator.
 */

/** The installed json-rules-engine's version: the semantics the compiled evaluator is held to. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ENGINE_VERSION: string = require('json-rules-engine/package.json').version;

/** A json-rules-engine with one rule per requirement, configured as the evaluator ran it. */
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
    const rule: RuleProperties = { name: requirement.id, conditions: requirement.conditions as unknown as TopLevelCondition, event: { type: requirement.id } };
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

/** What JSONPath gives for `$.<key>` on an object or array: the own property, else undefined. */
function ownProperty(value: object, path: string): unknown {
  const key = path.slice(2);
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

export function leavesInOrder(condition: Condition, into: LeafCondition[] = []): LeafCondition[] {
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

/** One leaf as json-rules-engine evaluated it: what the compiled evaluator records of it, without the text. */
export type ReferenceLeaf = Pick<ConditionResult, 'fact' | 'path' | 'params' | 'operator' | 'required' | 'actual' | 'outcome'>;

export interface ReferenceRequirement {
  id: string;
  outcome: RequirementOutcome;
  /** json-rules-engine's own two-valued verdict (a missing fact compared as undefined). */
  enginePassed: boolean;
  conditions: ReferenceLeaf[];
}

type Truth = true | false | 'unknown';

function judge(node: EvaluatedCondition, leaves: ReferenceLeaf[]): Truth {
  if (node.all) {
    const parts = node.all.map((c) => judge(c, leaves));
    return parts.includes(false) ? false : parts.includes('unknown') ? 'unknown' : true;
  }
  if (node.any) {
    const parts = node.any.map((c) => judge(c, leaves));
    return parts.includes(true) ? true : parts.includes('unknown') ? 'unknown' : false;
  }
  if (node.not) {
    const inner = judge(node.not, leaves);
    return inner === 'unknown' ? 'unknown' : !inner;
  }
  const missing = node.factResult === undefined;
  const outcome: ConditionOutcome = missing ? 'missing' : node.result === true ? 'met' : 'not-met';
  const leaf = { fact: node.fact as string } as ReferenceLeaf;
  if (node.path !== undefined) leaf.path = node.path;
  if (node.params !== undefined) leaf.params = node.params;
  leaf.operator = node.operator as string;
  leaf.required = node.value;
  leaf.actual = missing ? null : node.factResult;
  leaf.outcome = outcome;
  leaves.push(leaf);
  return missing ? 'unknown' : outcome === 'met';
}

const OUTCOME_OF: Record<string, RequirementOutcome> = { true: 'met', false: 'not-met', unknown: 'insufficient-evidence' };

/** Per requirement of the level, in order: json-rules-engine's evaluation with the three-valued outcome. */
export async function referenceEvaluation(ruleset: Ruleset, level: Level, evidence: Evidence, asOf: IsoDate): Promise<ReferenceRequirement[]> {
  const requirements = requirementsFor(ruleset, level);
  const engine = engineFor(requirements);
  const facts: Record<string, Fact> = {};
  for (const r of requirements) for (const leaf of leavesInOrder(r.conditions)) facts[leaf.fact] ??= uncachedFact(leaf.fact, (params) => deriveFact(leaf.fact, evidence, asOf, params));
  const { results, failureResults } = await engine.run(facts);
  const byId = new Map<string, { conditions: EvaluatedCondition; passed: boolean }>();
  for (const r of results) byId.set(r.name as string, { conditions: r.conditions as unknown as EvaluatedCondition, passed: true });
  for (const r of failureResults) byId.set(r.name as string, { conditions: r.conditions as unknown as EvaluatedCondition, passed: false });
  return requirements.map((requirement) => {
    const evaluated = byId.get(requirement.id) as { conditions: EvaluatedCondition; passed: boolean };
    const conditions: ReferenceLeaf[] = [];
    const truth = judge(evaluated.conditions, conditions);
    return { id: requirement.id, outcome: OUTCOME_OF[String(truth)], enginePassed: evaluated.passed, conditions };
  });
}
