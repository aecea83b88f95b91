import { ZenEngine, type ZenDecision } from '@gorules/zen-engine';
import { isLeaf, requirementsFor, type Condition, type LeafCondition, type Level, type Ruleset } from '../src/rules/types';
import type { RequirementOutcome } from '../src/evaluation/types';

/**
 * GoRules Zen as a contender: a decision graph generated from the same rule file (input → one expression
 * per requirement → output) on the same pre-derived facts. Each requirement's expression gives the
 * three-valued outcome as 0 (not met), 1 (unknown: a fact missing) or 2 (met), so `all` is min, `any` max
 * and `not` 2 − x, which the bench checks against the evaluator on every bench input.
 */

export interface ZenContender {
  decision: ZenDecision;
  /** Pre-derived fact values (by fact + params) → Zen's context. */
  context(values: Map<string, unknown>): Record<string, unknown>;
  outcomes(result: Record<string, number>): Record<string, RequirementOutcome>;
}

const keyOf = (leaf: LeafCondition) => `${leaf.fact}|${JSON.stringify(leaf.params ?? {})}`;
const literal = (value: unknown) => JSON.stringify(value).replace(/"/g, "'");

function comparison(operator: string, actual: string, value: unknown): string {
  switch (operator) {
    case 'equal': return `${actual} == ${literal(value)}`;
    case 'notEqual': return `${actual} != ${literal(value)}`;
    case 'lessThan': return `${actual} < ${literal(value)}`;
    case 'lessThanInclusive': return `${actual} <= ${literal(value)}`;
    case 'greaterThan': return `${actual} > ${literal(value)}`;
    case 'greaterThanInclusive': return `${actual} >= ${literal(value)}`;
    case 'in': return `${actual} in ${literal(value)}`;
    case 'notIn': return `not (${actual} in ${literal(value)})`;
    case 'contains': return `contains(${actual}, ${literal(value)})`;
    case 'doesNotContain': return `not contains(${actual}, ${literal(value)})`;
    // Zen does not compare strings by order; dates are compared as dates.
    case 'dateOnOrAfter': return `date(${actual}) >= date(${literal(value)})`;
    case 'dateOnOrBefore': return `date(${actual}) <= date(${literal(value)})`;
    default: throw new Error(`no Zen expression for operator ${operator}`);
  }
}

export function zenContender(ruleset: Ruleset, level: Level): ZenContender {
  const slots = new Map<string, string>();
  const slotOf = (leaf: LeafCondition) => {
    const key = keyOf(leaf);
    if (!slots.has(key)) slots.set(key, `f${slots.size}`);
    return slots.get(key) as string;
  };
  const expression = (c: Condition): string => {
    if (isLeaf(c)) {
      const actual = `${slotOf(c)}${c.path ? `.${c.path.slice(2)}` : ''}`;
      return `(${actual} == null ? 1 : ((${comparison(c.operator, actual, c.value)}) ? 2 : 0))`;
    }
    if ('all' in c) return `min([${c.all.map(expression).join(', ')}])`;
    if ('any' in c) return `max([${c.any.map(expression).join(', ')}])`;
    return `(2 - ${expression(c.not)})`;
  };
  const requirements = requirementsFor(ruleset, level);
  const expressions = requirements.map((r, i) => ({ id: `e${i}`, key: r.id, value: expression(r.conditions) }));
  const content = {
    nodes: [
      { id: 'input', type: 'inputNode', name: 'evidence', position: { x: 0, y: 0 } },
      { id: 'requirements', type: 'expressionNode', name: 'requirements', position: { x: 200, y: 0 }, content: { expressions } },
      { id: 'output', type: 'outputNode', name: 'outcomes', position: { x: 400, y: 0 } },
    ],
    edges: [
      { id: 'in', sourceId: 'input', targetId: 'requirements', type: 'edge' },
      { id: 'out', sourceId: 'requirements', targetId: 'output', type: 'edge' },
    ],
  };
  const decision = new ZenEngine().createDecision(content);
  const entries = [...slots.entries()];
  return {
    decision,
    context(values) {
      const context: Record<string, unknown> = {};
      for (const [key, name] of entries) context[name] = values.get(key) ?? null;
      return context;
    },
    outcomes(result) {
      const names: RequirementOutcome[] = ['not-met', 'insufficient-evidence', 'met'];
      return Object.fromEntries(requirements.map((r) => [r.id, names[result[r.id]]]));
    },
  };
}
