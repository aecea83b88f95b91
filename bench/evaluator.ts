import { Engine, type Fact, type TopLevelCondition } from 'json-rules-engine';
import { evaluate } from '../src/evaluation/evaluate';
import { engineFor, uncachedFact } from '../src/evaluation/reference';
import { deriveFact } from '../src/evidence/derive';
import type { Evidence } from '../src/evidence/types';
import { isLeaf, requirementsFor, type Condition, type LeafCondition, type Level, type Ruleset } from '../src/rules/types';

/**
 * Ways to run the same conditions on the same evidence:
 * - the full evaluator (derivation + json-rules-engine + explanation + evidence hash),
 * - raw json-rules-engine on facts derived beforehand, configured exactly as the evaluator configures
 *   it (path resolver, uncached facts), so the ratio measures what the evaluator adds around the engine,
 * - the same with the engine's defaults (JSONPath, cached facts), which the evaluator no longer uses,
 * - a plain TypeScript walk over the same conditions on the same pre-derived facts: the limit.
 */

const key = (leaf: LeafCondition) => `${leaf.fact}|${JSON.stringify(leaf.params ?? {})}`;

function leaves(condition: Condition, into: LeafCondition[] = []): LeafCondition[] {
  if (isLeaf(condition)) into.push(condition);
  else if ('all' in condition) condition.all.forEach((c) => leaves(c, into));
  else if ('any' in condition) condition.any.forEach((c) => leaves(c, into));
  else leaves(condition.not, into);
  return into;
}

export function preDerive(ruleset: Ruleset, level: Level, evidence: Evidence, asOf: string): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const r of requirementsFor(ruleset, level)) for (const l of leaves(r.conditions)) values.set(key(l), deriveFact(l.fact, evidence, asOf, l.params ?? {}));
  return values;
}

export function rawEngine(ruleset: Ruleset, level: Level): Engine {
  return engineFor(requirementsFor(ruleset, level));
}

export function defaultEngine(ruleset: Ruleset, level: Level): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const r of requirementsFor(ruleset, level)) engine.addRule({ name: r.id, conditions: r.conditions as unknown as TopLevelCondition, event: { type: r.id } });
  return engine;
}

const lookup = (values: Map<string, unknown>, id: string) => (params: Record<string, unknown>) => values.get(`${id}|${JSON.stringify(params ?? {})}`);

/** Pre-derived facts supplied the way the evaluator supplies derived ones. */
export async function runRaw(engine: Engine, factIds: string[], values: Map<string, unknown>): Promise<number> {
  const facts: Record<string, Fact> = {};
  for (const id of factIds) facts[id] = uncachedFact(id, lookup(values, id));
  const { results } = await engine.run(facts);
  return results.length;
}

export async function runDefault(engine: Engine, factIds: string[], values: Map<string, unknown>): Promise<number> {
  const facts: Record<string, (params: Record<string, unknown>) => unknown> = {};
  for (const id of factIds) facts[id] = lookup(values, id);
  const { results } = await engine.run(facts);
  return results.length;
}

const OPS: Record<string, (a: unknown, b: unknown) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  lessThan: (a, b) => typeof a === 'number' && a < (b as number),
  lessThanInclusive: (a, b) => typeof a === 'number' && a <= (b as number),
  greaterThan: (a, b) => typeof a === 'number' && a > (b as number),
  greaterThanInclusive: (a, b) => typeof a === 'number' && a >= (b as number),
  in: (a, b) => (b as unknown[]).includes(a),
  notIn: (a, b) => !(b as unknown[]).includes(a),
  contains: (a, b) => Array.isArray(a) && a.includes(b),
  doesNotContain: (a, b) => Array.isArray(a) && !a.includes(b),
};

function check(condition: Condition, values: Map<string, unknown>): boolean {
  if (isLeaf(condition)) {
    let v = values.get(key(condition));
    if (condition.path && v && typeof v === 'object') v = (v as Record<string, unknown>)[condition.path.slice(2)];
    return OPS[condition.operator](v, condition.value);
  }
  if ('all' in condition) return condition.all.every((c) => check(c, values));
  if ('any' in condition) return condition.any.some((c) => check(c, values));
  return !check(condition.not, values);
}

export function runHand(ruleset: Ruleset, level: Level, values: Map<string, unknown>): number {
  return requirementsFor(ruleset, level).filter((r) => check(r.conditions, values)).length;
}

export function factIdsOf(ruleset: Ruleset, level: Level): string[] {
  return [...new Set(requirementsFor(ruleset, level).flatMap((r) => leaves(r.conditions).map((l) => l.fact)))];
}

export async function runFull(ruleset: Ruleset, level: Level, evidence: Evidence, asOf: string): Promise<number> {
  return (await evaluate({ ruleset, level, evidence, asOf })).requirements.length;
}
