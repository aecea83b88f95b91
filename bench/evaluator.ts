import type { Engine, Fact } from 'json-rules-engine';
import { engineFor, uncachedFact } from '../src/evaluation/reference';
import { derivationOf, deriveFact, type FactValue } from '../src/evidence/derive';
import type { Evidence } from '../src/evidence/types';
import { isLeaf, requirementsFor, type Condition, type LeafCondition, type Level, type Ruleset } from '../src/rules/types';

/**
 * Peers of the compiled evaluator on the same conditions and evidence (bench/run.ts; Zen in bench/zen.ts):
 * - raw json-rules-engine on facts derived beforehand, configured exactly as the evaluator configured it
 *   before it was compiled (path resolver, uncached facts),
 * - the hand-written limit: derivation and a plain boolean check, nothing recorded or explained.
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

const lookup = (values: Map<string, unknown>, id: string) => (params: Record<string, unknown>) => values.get(`${id}|${JSON.stringify(params ?? {})}`);

/** Pre-derived facts supplied the way the evaluator supplies derived ones. */
export async function runRaw(engine: Engine, factIds: string[], values: Map<string, unknown>): Promise<number> {
  const facts: Record<string, Fact> = {};
  for (const id of factIds) facts[id] = uncachedFact(id, lookup(values, id));
  const { results } = await engine.run(facts);
  return results.length;
}

const OPS: Record<string, (a: unknown, b: unknown) => boolean> = {
  dateOnOrAfter: (a, b) => typeof a === 'string' && a >= (b as string),
  dateOnOrBefore: (a, b) => typeof a === 'string' && a <= (b as string),
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

export function factIdsOf(ruleset: Ruleset, level: Level): string[] {
  return [...new Set(requirementsFor(ruleset, level).flatMap((r) => leaves(r.conditions).map((l) => l.fact)))];
}


type Check = (values: FactValue[]) => boolean;

/**
 * The limit: derivation of each distinct fact (params bound once) and a plain boolean check of the same
 * conditions, written as closures by hand: no record of the leaves, no explanation, no three values.
 */
export function handWrittenLimit(ruleset: Ruleset, level: Level): (evidence: Evidence, asOf: string) => number {
  const slots = new Map<string, number>();
  const derivations: ((evidence: Evidence, asOf: string) => FactValue)[] = [];
  const slotOf = (leaf: LeafCondition) => {
    const k = key(leaf);
    if (!slots.has(k)) {
      slots.set(k, derivations.length);
      derivations.push(derivationOf(leaf.fact, leaf.params ?? {}) as (evidence: Evidence, asOf: string) => FactValue);
    }
    return slots.get(k) as number;
  };
  const compile = (c: Condition): Check => {
    if (isLeaf(c)) {
      const slot = slotOf(c);
      const op = OPS[c.operator];
      const value = c.value;
      const k = c.path?.slice(2);
      return k === undefined ? (v) => op(v[slot], value) : (v) => op((v[slot] as Record<string, unknown> | undefined)?.[k], value);
    }
    if ('all' in c) {
      const parts = c.all.map(compile);
      return (v) => parts.every((p) => p(v));
    }
    if ('any' in c) {
      const parts = c.any.map(compile);
      return (v) => parts.some((p) => p(v));
    }
    const inner = compile(c.not);
    return (v) => !inner(v);
  };
  const checks = requirementsFor(ruleset, level).map((r) => compile(r.conditions));
  return (evidence, asOf) => {
    const values = derivations.map((d) => d(evidence, asOf));
    let met = 0;
    for (const check of checks) if (check(values)) met++;
    return met;
  };
}
