import { LOWER, paramDirection, UPPER } from './diffParams';
import { canonicalJson } from './hash';
import { isLeaf, LEVELS, requirementsFor, type ApprovalPolicy, type Condition, type Level, type Requirement, type Ruleset, type Severity } from './types';

/**
 * What changed between two versions of a speciale's rule set, per level, and whether each change makes
 * approval harder ('stricter'), easier ('looser') or just different ('changed').
 */

export type Direction = 'stricter' | 'looser' | 'changed';

export interface Comparison {
  operator: string;
  value: unknown;
}

/** One leaf condition, matched across the versions by fact + path + params. */
export interface ThresholdChange {
  fact: string;
  path?: string;
  params?: Record<string, unknown>;
  /** The params before, when only they (or they and the comparison) changed: `params` are the new ones. */
  paramsBefore?: Record<string, unknown>;
  /** null: the condition is new. */
  before: Comparison | null;
  /** null: the condition was removed. */
  after: Comparison | null;
  direction: Direction;
}

export type RequirementField = 'title' | 'severity' | 'category' | 'rationale' | 'conditions';

export interface FieldChange<F extends string = string> {
  field: F;
  before: unknown;
  after: unknown;
}

export interface RequirementDiff {
  id: string;
  /** Danish title (of the newer version when the requirement still exists). */
  title: string;
  severity: Severity;
  change: 'added' | 'removed' | 'changed';
  /** 'none': only wording or category changed; outcomes stay the same. */
  direction: Direction | 'none';
  fields: FieldChange<RequirementField>[];
  thresholds: ThresholdChange[];
}

/** A changed approval-policy period; every period made shorter asks more of a provider (stricter). */
export interface PolicyChange extends FieldChange<keyof ApprovalPolicy> {
  direction: Direction;
}

export interface LevelDiff {
  level: Level;
  added: RequirementDiff[];
  removed: RequirementDiff[];
  changed: RequirementDiff[];
  policy: PolicyChange[];
  includesLevel?: FieldChange<'includesLevel'>;
}

export interface RulesetDiff {
  speciale: string;
  from: string;
  to: string;
  /** effectiveFrom, effectiveTo, status, title, description, illustrative. */
  metadata: FieldChange[];
  levels: LevelDiff[];
}

/** The difference per level, over each level's own requirements (the included level is shown once, under itself). */
export function diffRulesets(from: Ruleset, to: Ruleset): RulesetDiff {
  const metadata: FieldChange[] = [];
  const meta: [string, unknown, unknown][] = [
    ['effectiveFrom', from.effectiveFrom, to.effectiveFrom],
    ['effectiveTo', from.effectiveTo, to.effectiveTo],
    ['status', from.status, to.status],
    ['title', from.title.da, to.title.da],
    ['description', from.description.da, to.description.da],
    ['illustrative', from.illustrative, to.illustrative],
  ];
  for (const [field, before, after] of meta) if (before !== after) metadata.push({ field, before: before ?? null, after: after ?? null });

  const levels = LEVELS.map((level) => {
    const a = from.levels[level];
    const b = to.levels[level];
    const diff: LevelDiff = { level, ...diffRequirementLists(a.requirements, b.requirements), policy: [] };
    for (const key of Object.keys(b.approvalPolicy) as (keyof ApprovalPolicy)[]) {
      const [before, after] = [a.approvalPolicy[key], b.approvalPolicy[key]];
      // Shorter validity, re-check interval, evidence age, transition or renewal window: more is asked, sooner.
      if (before !== after) diff.policy.push({ field: key, before, after, direction: after < before ? 'stricter' : 'looser' });
    }
    if (a.includesLevel !== b.includesLevel) diff.includesLevel = { field: 'includesLevel', before: a.includesLevel ?? null, after: b.includesLevel ?? null };
    return diff;
  });
  return { speciale: to.speciale, from: from.version, to: to.version, metadata, levels };
}

/**
 * Requirements of a level (including those of the level it includes) that `to` added or made stricter
 * than `from`: during a transition period they are shown but not counted for approvals granted under `from`.
 */
export function tightenedRequirementIds(from: Ruleset, to: Ruleset, level: Level): Set<string> {
  const diff = diffRequirementLists(requirementsFor(from, level), requirementsFor(to, level));
  return new Set([...diff.added.map((r) => r.id), ...diff.changed.filter((r) => r.direction === 'stricter').map((r) => r.id)]);
}

export function diffRequirementLists(from: Requirement[], to: Requirement[]): Pick<LevelDiff, 'added' | 'removed' | 'changed'> {
  const before = new Map(from.map((r) => [r.id, r]));
  const after = new Map(to.map((r) => [r.id, r]));
  const added = to
    .filter((r) => !before.has(r.id))
    .map((r): RequirementDiff => ({ id: r.id, title: r.title.da, severity: r.severity, change: 'added', direction: r.severity === 'required' ? 'stricter' : 'changed', fields: [], thresholds: [] }));
  const removed = from
    .filter((r) => !after.has(r.id))
    .map((r): RequirementDiff => ({ id: r.id, title: r.title.da, severity: r.severity, change: 'removed', direction: 'looser', fields: [], thresholds: [] }));
  const changed: RequirementDiff[] = [];
  for (const b of to) {
    const a = before.get(b.id);
    if (!a) continue;
    const d = diffRequirement(a, b);
    if (d) changed.push(d);
  }
  return { added, removed, changed };
}

function diffRequirement(a: Requirement, b: Requirement): RequirementDiff | undefined {
  const fields: FieldChange<RequirementField>[] = [];
  if (canonicalJson(a.title) !== canonicalJson(b.title)) fields.push({ field: 'title', before: a.title.da, after: b.title.da });
  if (a.severity !== b.severity) fields.push({ field: 'severity', before: a.severity, after: b.severity });
  if (a.category !== b.category) fields.push({ field: 'category', before: a.category, after: b.category });
  if (canonicalJson(a.rationale) !== canonicalJson(b.rationale)) fields.push({ field: 'rationale', before: a.rationale.da, after: b.rationale.da });
  const conditionsChanged = canonicalJson(a.conditions) !== canonicalJson(b.conditions);
  if (conditionsChanged) fields.push({ field: 'conditions', before: a.conditions, after: b.conditions });
  if (fields.length === 0) return undefined;

  const thresholds = conditionsChanged ? diffConditions(a.conditions, b.conditions) : [];
  const directions = new Set<Direction>(thresholds.map((t) => t.direction));
  if (a.severity !== b.severity) directions.add(b.severity === 'required' ? 'stricter' : 'looser');
  // A change of the group structure (say, all → any) is a change we cannot rank, also when thresholds moved too:
  // any → all with a lower threshold is stricter overall, though the threshold alone reads looser.
  if (conditionsChanged && (thresholds.length === 0 || groupShape(a.conditions) !== groupShape(b.conditions))) directions.add('changed');
  const direction: RequirementDiff['direction'] = directions.size === 0 ? 'none' : directions.size === 1 ? [...directions][0] : 'changed';
  return { id: b.id, title: b.title.da, severity: b.severity, change: 'changed', direction, fields, thresholds };
}

/** The nesting of all/any/not groups without the leaves: adding or moving a threshold leaves it as it is. */
function groupShape(condition: Condition): string {
  if (isLeaf(condition)) return '';
  if ('all' in condition) return `all(${condition.all.map(groupShape).join('')})`;
  if ('any' in condition) return `any(${condition.any.map(groupShape).join('')})`;
  return `not(${groupShape(condition.not)})`;
}

interface CollectedLeaf {
  key: string;
  fact: string;
  path?: string;
  params?: Record<string, unknown>;
  operator: string;
  value: unknown;
  /** Under an odd number of `not`: a stricter threshold makes the requirement looser. */
  negated: boolean;
  /** Every enclosing group is `all` (adding such a leaf narrows) or every one is `any` (it widens). */
  context: 'all' | 'any' | 'mixed';
}

function collectLeaves(condition: Condition, groups: ('all' | 'any' | 'not')[], into: CollectedLeaf[]): void {
  if (isLeaf(condition)) {
    const negated = groups.filter((g) => g === 'not').length % 2 === 1;
    const context = groups.every((g) => g === 'all') ? 'all' : groups.every((g) => g === 'any') ? 'any' : 'mixed';
    into.push({
      key: `${condition.fact}|${condition.path ?? ''}|${canonicalJson(condition.params ?? {})}|${negated}`,
      fact: condition.fact,
      ...(condition.path !== undefined ? { path: condition.path } : {}),
      ...(condition.params !== undefined ? { params: condition.params } : {}),
      operator: condition.operator,
      value: condition.value,
      negated,
      context,
    });
    return;
  }
  if ('all' in condition) condition.all.forEach((c) => collectLeaves(c, [...groups, 'all'], into));
  else if ('any' in condition) condition.any.forEach((c) => collectLeaves(c, [...groups, 'any'], into));
  else collectLeaves(condition.not, [...groups, 'not'], into);
}

/** Leaf conditions matched by fact + path + params (same operator first), with the direction of each change. */
export function diffConditions(from: Condition, to: Condition): ThresholdChange[] {
  const before: CollectedLeaf[] = [];
  const after: CollectedLeaf[] = [];
  collectLeaves(from, [], before);
  collectLeaves(to, [], after);
  const unmatched = [...before];
  const changes: ThresholdChange[] = [];
  const pairs: [CollectedLeaf, CollectedLeaf][] = [];
  const unpairedAfter: CollectedLeaf[] = [];

  // Same key and operator first, then same key.
  const rest: CollectedLeaf[] = [];
  for (const b of after) {
    const i = unmatched.findIndex((a) => a.key === b.key && a.operator === b.operator);
    if (i >= 0) pairs.push([unmatched.splice(i, 1)[0], b]);
    else rest.push(b);
  }
  const restAfterKey: CollectedLeaf[] = [];
  for (const b of rest) {
    const i = unmatched.findIndex((a) => a.key === b.key);
    if (i >= 0) pairs.push([unmatched.splice(i, 1)[0], b]);
    else restAfterKey.push(b);
  }
  // The same fact, path and operator with other params: a changed param (withinYears 5 → 2), not a
  // removal plus an addition.
  for (const b of restAfterKey) {
    const i = unmatched.findIndex((a) => a.fact === b.fact && a.path === b.path && a.negated === b.negated && a.operator === b.operator);
    if (i >= 0) pairs.push([unmatched.splice(i, 1)[0], b]);
    else unpairedAfter.push(b);
  }

  for (const [a, b] of pairs) {
    const paramsChanged = canonicalJson(a.params ?? {}) !== canonicalJson(b.params ?? {});
    const comparisonChanged = a.operator !== b.operator || canonicalJson(a.value) !== canonicalJson(b.value);
    if (!paramsChanged && !comparisonChanged) continue;
    const directions = new Set<Direction>();
    if (comparisonChanged) directions.add(compare(a, b));
    if (paramsChanged) directions.add(paramDirection(a.params ?? {}, b.params ?? {}, b.operator));
    let direction: Direction = directions.size === 1 ? [...directions][0] : 'changed';
    if (a.negated) direction = flip(direction);
    changes.push({
      ...identity(b),
      ...(paramsChanged ? { paramsBefore: a.params ?? {} } : {}),
      before: { operator: a.operator, value: a.value },
      after: { operator: b.operator, value: b.value },
      direction,
    });
  }
  for (const b of unpairedAfter) {
    const direction: Direction = b.context === 'mixed' ? 'changed' : b.context === 'all' ? 'stricter' : 'looser';
    changes.push({ ...identity(b), before: null, after: { operator: b.operator, value: b.value }, direction: b.negated ? flip(direction) : direction });
  }
  for (const a of unmatched) {
    const direction: Direction = a.context === 'mixed' ? 'changed' : a.context === 'all' ? 'looser' : 'stricter';
    changes.push({ ...identity(a), before: { operator: a.operator, value: a.value }, after: null, direction: a.negated ? flip(direction) : direction });
  }
  return changes;
}

function identity(leaf: CollectedLeaf): Pick<ThresholdChange, 'fact' | 'path' | 'params'> {
  return { fact: leaf.fact, ...(leaf.path !== undefined ? { path: leaf.path } : {}), ...(leaf.params !== undefined ? { params: leaf.params } : {}) };
}

function flip(direction: Direction): Direction {
  return direction === 'stricter' ? 'looser' : direction === 'looser' ? 'stricter' : 'changed';
}


/** The direction of a changed comparison on the same fact (ignoring any enclosing `not`). */
function compare(a: Comparison, b: Comparison): Direction {
  const numbers = typeof a.value === 'number' && typeof b.value === 'number';
  if (numbers && LOWER.has(a.operator) && LOWER.has(b.operator)) {
    return bound(a.value as number, a.operator === 'greaterThan', b.value as number, b.operator === 'greaterThan', 1);
  }
  if (numbers && UPPER.has(a.operator) && UPPER.has(b.operator)) {
    return bound(a.value as number, a.operator === 'lessThan', b.value as number, b.operator === 'lessThan', -1);
  }
  const dates = typeof a.value === 'string' && typeof b.value === 'string';
  if (dates && a.operator === b.operator && (a.operator === 'dateOnOrAfter' || a.operator === 'dateOnOrBefore')) {
    const later = (b.value as string) > (a.value as string);
    return (a.operator === 'dateOnOrAfter') === later ? 'stricter' : 'looser';
  }
  if (a.operator === b.operator && (a.operator === 'in' || a.operator === 'notIn') && Array.isArray(a.value) && Array.isArray(b.value)) {
    const sa = new Set(a.value.map(String));
    const sb = new Set(b.value.map(String));
    const narrower = [...sb].every((v) => sa.has(v));
    const wider = [...sa].every((v) => sb.has(v));
    if (narrower === wider) return 'changed';
    // Fewer allowed values (in) or more excluded values (notIn) is stricter.
    return (a.operator === 'in') === narrower ? 'stricter' : 'looser';
  }
  return 'changed';
}

/** sign 1: a lower bound (higher is stricter); sign -1: an upper bound (lower is stricter). */
function bound(before: number, beforeExclusive: boolean, after: number, afterExclusive: boolean, sign: 1 | -1): Direction {
  if (before === after) {
    if (beforeExclusive === afterExclusive) return 'changed';
    return afterExclusive ? 'stricter' : 'looser';
  }
  return (after - before) * sign > 0 ? 'stricter' : 'looser';
}
