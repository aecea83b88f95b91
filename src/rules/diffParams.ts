import type { Direction } from './diff';
import { canonicalJson } from './hash';

/** Operators that set a lower bound (at least …) and an upper bound (at most …). */
export const LOWER = new Set(['greaterThan', 'greaterThanInclusive']);
export const UPPER = new Set(['lessThan', 'lessThanInclusive']);

type Scope = 'narrower' | 'wider' | 'same' | 'changed';

/**
 * What changed params do to what a fact counts: a shorter window (withinYears, withinMonths), fewer listed
 * values (educations, partnerTypes, kinds), `formalOnly` switched on or a filter added count fewer
 * (narrower); the reverse counts more (wider); another value of a single filter just counts differently.
 * Counting fewer against a lower bound (at least …) is stricter, against an upper bound looser.
 */
export function paramDirection(before: Record<string, unknown>, after: Record<string, unknown>, operator: string): Direction {
  const scopes = new Set<Scope>([...new Set([...Object.keys(before), ...Object.keys(after)])].map((k) => paramScope(before[k], after[k])));
  scopes.delete('same');
  const scope = scopes.size === 0 ? 'same' : scopes.size === 1 ? [...scopes][0] : 'changed';
  if (scope === 'same' || scope === 'changed') return 'changed';
  const lowerBound = LOWER.has(operator);
  if (!lowerBound && !UPPER.has(operator)) return 'changed';
  return (scope === 'narrower') === lowerBound ? 'stricter' : 'looser';
}

function paramScope(before: unknown, after: unknown): Scope {
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null)) return 'same';
  if (typeof before === 'boolean' || typeof after === 'boolean') {
    // formalOnly: absent counts as false; true counts only some.
    return (after === true) === (before === true) ? 'same' : after === true ? 'narrower' : 'wider';
  }
  if (before === undefined) return 'narrower'; // a filter added
  if (after === undefined) return 'wider'; // a filter removed
  if (typeof before === 'number' && typeof after === 'number') return after < before ? 'narrower' : 'wider';
  if (Array.isArray(before) && Array.isArray(after)) {
    const sa = new Set(before.map(String));
    const sb = new Set(after.map(String));
    const fewer = [...sb].every((v) => sa.has(v));
    const more = [...sa].every((v) => sb.has(v));
    return fewer === more ? 'changed' : fewer ? 'narrower' : 'wider';
  }
  return 'changed';
}
