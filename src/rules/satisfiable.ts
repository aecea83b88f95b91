import { factDefinition, type FactDefinition } from '../evidence/catalogue';
import type { Problem } from '../schemas';
import { canonicalJson } from './hash';
import { isLeaf, LEVELS, type Condition, type LeafCondition, type Ruleset } from './types';

/**
 * Conditions that can never hold: a number compared outside the range its fact can take (a share above
 * 100 or below 0, a count below 0), or two comparisons of the same fact, path and params in one `all`
 * that leave no value (`staffCount ≥ 10` and `< 5`). The range is the catalogue's `minimum`/`maximum`
 * (every number fact has a minimum, a share a maximum of 100; a test holds derivation to them).
 */
export function unsatisfiableConditions(ruleset: Ruleset): Problem[] {
  const problems: Problem[] = [];
  for (const level of LEVELS) {
    const requirements: unknown = ruleset.levels?.[level]?.requirements;
    if (!Array.isArray(requirements)) continue;
    requirements.forEach((r: { conditions?: Condition } | null, i) => {
      if (r && typeof r === 'object' && r.conditions) walk(r.conditions, `/levels/${level}/requirements/${i}/conditions`, problems);
    });
  }
  return problems;
}

interface Bound {
  value: number;
  inclusive: boolean;
  /** Where the bound comes from: a leaf's pointer, or undefined for the fact's own range. */
  from?: string;
}

interface Interval {
  lower?: Bound;
  upper?: Bound;
}

function walk(condition: Condition, pointer: string, problems: Problem[]): void {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return;
  if (isLeaf(condition)) {
    // A leaf on its own (under `any` or `not`) is checked against its fact's range only.
    check(new Map(), condition, pointer, problems);
    return;
  }
  if ('all' in condition && Array.isArray(condition.all)) {
    const intervals = new Map<string, Interval>();
    condition.all.forEach((c, i) => {
      if (c && typeof c === 'object' && isLeaf(c)) check(intervals, c, `${pointer}/all/${i}`, problems);
      else walk(c, `${pointer}/all/${i}`, problems);
    });
  }
  if ('any' in condition && Array.isArray(condition.any)) condition.any.forEach((c, i) => walk(c, `${pointer}/any/${i}`, problems));
  if ('not' in condition) walk(condition.not, `${pointer}/not`, problems);
}

/** The fact's range as the catalogue gives it (every number fact has a minimum; shares a maximum of 100). */
function rangeOf(fact: FactDefinition): Interval {
  return {
    ...(fact.minimum !== undefined ? { lower: { value: fact.minimum, inclusive: true } } : {}),
    ...(fact.maximum !== undefined ? { upper: { value: fact.maximum, inclusive: true } } : {}),
  };
}

function check(intervals: Map<string, Interval>, leaf: LeafCondition, pointer: string, problems: Problem[]): void {
  const fact = typeof leaf.fact === 'string' ? factDefinition(leaf.fact) : undefined;
  const type = fact ? (fact.type === 'object' ? fact.valueType : fact.type) : undefined;
  if (!fact || (type !== 'number' && type !== 'integer') || typeof leaf.value !== 'number' || !Number.isFinite(leaf.value)) return;
  const key = `${leaf.fact}|${leaf.path ?? ''}|${canonicalJson(leaf.params ?? {})}`;
  const interval = intervals.get(key) ?? rangeOf(fact);
  const next: Interval = { ...interval };
  const value = leaf.value;
  const op = leaf.operator;
  if (op === 'greaterThan' || op === 'greaterThanInclusive' || op === 'equal') next.lower = tighter(interval.lower, { value, inclusive: op !== 'greaterThan', from: pointer }, 1);
  if (op === 'lessThan' || op === 'lessThanInclusive' || op === 'equal') next.upper = tighter(interval.upper, { value, inclusive: op !== 'lessThan', from: pointer }, -1);
  if (isEmpty(next)) {
    const other = [interval.lower, interval.upper].find((b) => b?.from !== undefined && b.from !== pointer)?.from;
    const range = rangeOf(fact);
    problems.push({
      pointer: `${pointer}/value`,
      code: 'condition-never-holds',
      message: other
        ? `betingelsen kan aldrig være opfyldt sammen med ${other} (samme faktum '${leaf.fact}' i samme "all"); ret en af værdierne`
        : `betingelsen kan aldrig være opfyldt: faktum '${leaf.fact}' er altid mellem ${range.lower?.value} og ${range.upper?.value ?? 'uendelig'}${fact.unit ? ` ${fact.unit}` : ''}; ret værdien`,
    });
    return;
  }
  intervals.set(key, next);
}

/** The stricter of two bounds; sign 1 for lower bounds (higher is stricter), -1 for upper bounds. */
function tighter(current: Bound | undefined, candidate: Bound, sign: 1 | -1): Bound {
  if (!current) return candidate;
  if (candidate.value === current.value) return candidate.inclusive ? current : candidate;
  return (candidate.value - current.value) * sign > 0 ? candidate : current;
}

function isEmpty({ lower, upper }: Interval): boolean {
  if (!lower || !upper) return false;
  if (lower.value > upper.value) return true;
  return lower.value === upper.value && !(lower.inclusive && upper.inclusive);
}
