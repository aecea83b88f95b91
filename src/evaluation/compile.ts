import { factDefinition, type VocabularyName } from '../evidence/catalogue';
import { derivationOf, type FactValue } from '../evidence/derive';
import type { Evidence } from '../evidence/types';
import { compileProblems } from '../rules/compilable';
import { capitalize, factPhrase, formatValue, requirementPhrase } from '../rules/describe';
import { operatorOf, type Operator } from '../rules/operators';
import { isLeaf, requirementsFor, type Condition, type LeafCondition, type Level, type Requirement, type Ruleset } from '../rules/types';
import type { IsoDate } from '../time/dates';
import type { ConditionOutcome, ConditionResult } from './types';

/**
 * A rule set level compiled once into plain closures: per requirement a function from the derived facts
 * to the three-valued outcome, recording every leaf as the explanation reads it (fact, path, params,
 * operator, required, actual, unit, outcome, explanation). The semantics are json-rules-engine's (see
 * src/rules/operators.ts and the differential test); what json-rules-engine spent per run (a deep clone of
 * every condition, promises, an event emitter) is not spent here.
 *
 * Facts with the same params are derived once per evaluation (derivations are pure).
 */

/** Three-valued, as small integers: a condition over a missing fact is neither met nor not met. */
export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;
export type Truth = typeof FALSE | typeof TRUE | typeof UNKNOWN;

type Node = (values: readonly FactValue[], leaves: ConditionResult[]) => Truth;

export interface CompiledRequirement {
  requirement: Requirement;
  /** Leaf i sits under an odd number of `not`s, so its being met counts against the requirement. */
  negated: readonly boolean[];
  judge: Node;
}

export interface CompiledLevel {
  requirements: CompiledRequirement[];
  /** Every distinct (fact, params) of the level, derived once per evaluation. */
  derive(evidence: Evidence, asOf: IsoDate): FactValue[];
}

export class RuleNotCompilableError extends Error {
  constructor(
    readonly speciale: string,
    readonly version: string,
    readonly problems: { pointer: string; message: string }[],
  ) {
    super(`regelsæt ${speciale} ${version} kan ikke oversættes: ${problems.map((p) => `${p.pointer}: ${p.message}`).join('; ')}`);
  }
}

const cache = new WeakMap<Ruleset, Map<Level, CompiledLevel>>();

/** The compiled level, made on first use and kept as long as the rule set. Throws RuleNotCompilableError, never falls back. */
export function compiledLevel(ruleset: Ruleset, level: Level): CompiledLevel {
  let byLevel = cache.get(ruleset);
  if (!byLevel) {
    const problems = compileProblems(ruleset);
    if (problems.length > 0) throw new RuleNotCompilableError(ruleset.speciale, ruleset.version, problems);
    byLevel = new Map();
    cache.set(ruleset, byLevel);
  }
  let compiled = byLevel.get(level);
  if (!compiled) {
    compiled = compileLevel(ruleset, level);
    byLevel.set(level, compiled);
  }
  return compiled;
}

function compileLevel(ruleset: Ruleset, level: Level): CompiledLevel {
  const slots = new Map<string, number>();
  const derivations: ((evidence: Evidence, asOf: IsoDate) => FactValue)[] = [];
  const slotOf = (leaf: LeafCondition): number => {
    const key = `${leaf.fact}\u0000${JSON.stringify(leaf.params ?? {})}`;
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = derivations.length;
      derivations.push(derivationOf(leaf.fact, leaf.params ?? {}) as (evidence: Evidence, asOf: IsoDate) => FactValue);
      slots.set(key, slot);
    }
    return slot;
  };
  const requirements = requirementsFor(ruleset, level).map((requirement) => {
    const negated: boolean[] = [];
    const judge = compileCondition(requirement.conditions, false, negated, slotOf);
    return { requirement, negated, judge };
  });
  const count = derivations.length;
  return {
    requirements,
    derive(evidence, asOf) {
      const values = new Array<FactValue>(count);
      for (let i = 0; i < count; i++) values[i] = derivations[i](evidence, asOf);
      return values;
    },
  };
}

function compileCondition(condition: Condition, underNot: boolean, negated: boolean[], slotOf: (leaf: LeafCondition) => number): Node {
  if (isLeaf(condition)) {
    negated.push(underNot);
    return compileLeaf(condition, slotOf(condition));
  }
  // json-rules-engine evaluates every condition of a group (no priorities in the format), so every leaf is recorded.
  if ('all' in condition) return group(condition.all.map((c) => compileCondition(c, underNot, negated, slotOf)), FALSE);
  if ('any' in condition) return group(condition.any.map((c) => compileCondition(c, underNot, negated, slotOf)), TRUE);
  const inner = compileCondition(condition.not, !underNot, negated, slotOf);
  return (values, leaves) => {
    const t = inner(values, leaves);
    return t === UNKNOWN ? UNKNOWN : t === TRUE ? FALSE : TRUE;
  };
}

/**
 * A group of conditions in three values: `decisive` (FALSE for `all`, TRUE for `any`) when any part gives
 * it, else UNKNOWN when any part is unknown, else the other value. Every part runs, so every leaf is recorded.
 */
function group(parts: Node[], decisive: typeof FALSE | typeof TRUE): Node {
  const otherwise = decisive === TRUE ? FALSE : TRUE;
  return (values, leaves) => {
    let sawDecisive = false;
    let sawUnknown = false;
    for (const part of parts) {
      const t = part(values, leaves);
      if (t === decisive) sawDecisive = true;
      else if (t === UNKNOWN) sawUnknown = true;
    }
    return sawDecisive ? decisive : sawUnknown ? UNKNOWN : otherwise;
  };
}

/** Deep-frozen copies: the records share them across evaluations, so nothing may change them. */
function frozen<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const copy = (Array.isArray(value) ? value.map(frozen) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frozen(v)]))) as T;
  return Object.freeze(copy);
}

function compileLeaf(leaf: LeafCondition, slot: number): Node {
  const operator = operatorOf(leaf.operator) as Operator;
  const fact = leaf.fact;
  const path = leaf.path;
  const key = path === undefined ? undefined : path.slice(2);
  const params = leaf.params === undefined ? undefined : frozen(leaf.params);
  const name = leaf.operator;
  const required = frozen(leaf.value);
  const definition = factDefinition(fact);
  const unit = definition?.unit ?? null;
  const vocabulary: VocabularyName | undefined = definition?.vocabulary;
  const factText = capitalize(factPhrase(leaf));
  const requiredText = requirementPhrase(leaf);
  const missingText = `${factText} kan ikke opgøres: dokumentationen indeholder ikke '${definition?.requires ?? fact}' (krav: ${requiredText}).`;
  const foundText = `${factText} er `;
  const metText = ` (krav: ${requiredText}) – opfyldt.`;
  const notMetText = ` (krav: ${requiredText}) – ikke opfyldt.`;

  return (values, leaves) => {
    let actual: unknown = values[slot];
    // json-rules-engine reads a path only on an object, and gives any other value as it is.
    if (key !== undefined && actual !== null && typeof actual === 'object') actual = Object.hasOwn(actual, key) ? (actual as Record<string, unknown>)[key] : undefined;
    const missing = actual === undefined;
    const met = !missing && operator(actual, required);
    const outcome: ConditionOutcome = missing ? 'missing' : met ? 'met' : 'not-met';
    // Built key by key, in the order the API has always shown them.
    const record = { fact } as ConditionResult;
    if (path !== undefined) record.path = path;
    if (params !== undefined) record.params = params;
    record.operator = name;
    record.required = required;
    record.actual = missing ? null : actual;
    record.unit = unit;
    record.outcome = outcome;
    record.explanation = missing ? missingText : foundText + formatValue(actual, unit, vocabulary) + (met ? metText : notMetText);
    leaves.push(record);
    return missing ? UNKNOWN : met ? TRUE : FALSE;
  };
}
