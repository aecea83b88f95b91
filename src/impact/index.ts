import { evaluate } from '../evaluation/evaluate';
import { contentHash } from '../rules/hash';
import type { Overall, RequirementResult } from '../evaluation/types';
import type { Evidence } from '../evidence/types';
import { diffRequirementLists, tightenedRequirementIds, type Direction, type FieldChange, type ThresholdChange } from '../rules/diff';
import { LEVELS, requirementsFor, type Level, type Ruleset } from '../rules/types';
import { addDays, periodEnd, type IsoDate } from '../time/dates';

/**
 * What a rule change would do: every approval in force, evaluated on its latest evidence under a chosen
 * version (by default the one in force today) and under the draft, with the draft's transition period:
 * a requirement the draft adds or makes stricter counts against an approval made under an earlier
 * version only after the transition, so an approval failing only because of such requirements fails from
 * the day after the transition ends. Works on a snapshot, so it runs in CI without the service.
 */
export interface SnapshotApproval {
  approvalId: string;
  tilbudId: string;
  level: Level;
  tilsyn: string;
  rulesetVersion: string;
  evidence: Evidence;
}

export interface Snapshot {
  speciale: string;
  exportedAt: string;
  approvals: SnapshotApproval[];
}

export interface ApprovalImpact {
  approvalId: string;
  tilbudId: string;
  level: Level;
  tilsyn: string;
  /** Under the version compared with. */
  today: Overall;
  /** Under the draft once it fully counts (after its transition period: see failingFrom). */
  underDraft: Overall;
  /** The requirements that count against the approval under the draft and not under the version compared with. */
  newlyFailing: NewlyFailing[];
  /** The first day the approval fails because of them: the draft's effectiveFrom, or the day after the transition when only transitional requirements fail; null when none. */
  failingFrom: IsoDate | null;
}

/** A requirement that newly fails, and the change in the draft that makes it fail. */
export interface NewlyFailing {
  id: string;
  title: string;
  /** Added or made stricter by the draft: counts only after the transition period. */
  transitional: boolean;
  cause: ChangeCause;
}

export interface ChangeCause {
  /** added: the draft adds the requirement; changed: its conditions or severity changed; unchanged: it fails for another reason (e.g. it now applies at this level). */
  change: 'added' | 'changed' | 'unchanged';
  direction: Direction | 'none';
  thresholds: ThresholdChange[];
  fields: FieldChange[];
}

export interface ImpactTotals {
  approvals: number;
  wouldFail: number;
  newlyFailing: number;
}

export interface ImpactReport {
  speciale: string;
  /** The version compared with (`--against`, by default the one in force on asOf). */
  currentVersion: string;
  draftVersion: string;
  asOf: IsoDate;
  /** Last day of the draft's transition period per level (approvals made under an earlier version). */
  transitionEndsOn: Record<Level, IsoDate>;
  approvals: ApprovalImpact[];
  byLevel: Record<string, ImpactTotals>;
  byTilsyn: Record<string, ImpactTotals>;
}

function countsAgainst(r: RequirementResult): boolean {
  return r.severity === 'required' && !r.transitional && r.outcome !== 'met';
}

export async function analyseImpact(snapshot: Snapshot, current: Ruleset, draft: Ruleset, asOf: IsoDate): Promise<ImpactReport> {
  const perLevel = Object.fromEntries(
    LEVELS.map((level) => {
      const diff = diffRequirementLists(requirementsFor(current, level), requirementsFor(draft, level));
      const causes = new Map<string, ChangeCause>();
      for (const r of diff.added) causes.set(r.id, { change: 'added', direction: r.direction, thresholds: [], fields: [] });
      for (const r of diff.changed) causes.set(r.id, { change: 'changed', direction: r.direction, thresholds: r.thresholds, fields: r.fields.filter((f) => f.field !== 'conditions') });
      const endsOn = periodEnd(draft.effectiveFrom, draft.levels[level].approvalPolicy.transitionMonths);
      return [level, { causes, tightened: tightenedRequirementIds(current, draft, level), endsOn }];
    }),
  ) as Record<Level, { causes: Map<string, ChangeCause>; tightened: Set<string>; endsOn: IsoDate }>;

  const approvals: ApprovalImpact[] = [];
  for (const a of snapshot.approvals) {
    const level = perLevel[a.level];
    // The draft is evaluated as it will count once in force; a requirement it adds or tightens counts
    // against an approval made under an earlier version only from the day after the transition.
    const inTransition = (id: string) => a.rulesetVersion !== draft.version && level.tightened.has(id);
    // Hashed once for both evaluations (a snapshot is a file, so a hash in it would not be trusted).
    const evidenceHash = contentHash(a.evidence);
    const [now, then] = await Promise.all([
      evaluate({ ruleset: current, level: a.level, evidence: a.evidence, asOf, evidenceHash }),
      evaluate({ ruleset: draft, level: a.level, evidence: a.evidence, asOf, evidenceHash }),
    ]);
    // Newly failing: counts against the approval under the draft and does not under the version compared
    // with (met there, new, or there only advisory or transitional).
    const failingNow = new Set(now.requirements.filter(countsAgainst).map((r) => r.id));
    const newlyFailing = then.requirements
      .filter((r) => countsAgainst(r) && !failingNow.has(r.id))
      .map((r) => ({ id: r.id, title: r.title, transitional: inTransition(r.id), cause: level.causes.get(r.id) ?? { change: 'unchanged' as const, direction: 'none' as const, thresholds: [], fields: [] } }));
    const failingFrom = newlyFailing.length === 0 ? null : newlyFailing.every((r) => r.transitional) ? addDays(level.endsOn, 1) : draft.effectiveFrom;
    approvals.push({ approvalId: a.approvalId, tilbudId: a.tilbudId, level: a.level, tilsyn: a.tilsyn, today: now.overall, underDraft: then.overall, newlyFailing, failingFrom });
  }
  const tally = (key: (a: ApprovalImpact) => string) => {
    const totals: Record<string, ImpactTotals> = {};
    for (const a of approvals) {
      const t = (totals[key(a)] ??= { approvals: 0, wouldFail: 0, newlyFailing: 0 });
      t.approvals += 1;
      if (a.underDraft !== 'eligible') t.wouldFail += 1;
      if (a.newlyFailing.length > 0) t.newlyFailing += 1;
    }
    return totals;
  };
  return {
    speciale: snapshot.speciale,
    currentVersion: current.version,
    draftVersion: draft.version,
    asOf,
    transitionEndsOn: Object.fromEntries(LEVELS.map((l) => [l, perLevel[l].endsOn])) as Record<Level, IsoDate>,
    approvals,
    byLevel: tally((a) => a.level),
    byTilsyn: tally((a) => a.tilsyn),
  };
}
