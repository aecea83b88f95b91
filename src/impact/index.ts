import { evaluate } from '../evaluation/evaluate';
import { contentHash } from '../rules/hash';
import type { Overall, RequirementResult } from '../evaluation/types';
import type { Evidence } from '../evidence/types';
import type { Level, Ruleset } from '../rules/types';
import type { IsoDate } from '../time/dates';

/**
 * What a rule change would do: every approval in force, evaluated on its latest evidence under the
 * version in force today and under the draft. Works on a snapshot, so it runs in CI without the service.
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
  today: Overall;
  underDraft: Overall;
  newlyFailing: { id: string; title: string }[];
}

export interface ImpactTotals {
  approvals: number;
  wouldFail: number;
  newlyFailing: number;
}

export interface ImpactReport {
  speciale: string;
  currentVersion: string;
  draftVersion: string;
  asOf: IsoDate;
  approvals: ApprovalImpact[];
  byLevel: Record<string, ImpactTotals>;
  byTilsyn: Record<string, ImpactTotals>;
}

function countsAgainst(r: RequirementResult): boolean {
  return r.severity === 'required' && !r.transitional && r.outcome !== 'met';
}

export async function analyseImpact(snapshot: Snapshot, current: Ruleset, draft: Ruleset, asOf: IsoDate): Promise<ImpactReport> {
  const approvals: ApprovalImpact[] = [];
  for (const a of snapshot.approvals) {
    // Hashed once for both evaluations (a snapshot is a file, so a hash in it would not be trusted).
    const evidenceHash = contentHash(a.evidence);
    const [now, then] = await Promise.all([
      evaluate({ ruleset: current, level: a.level, evidence: a.evidence, asOf, evidenceHash }),
      evaluate({ ruleset: draft, level: a.level, evidence: a.evidence, asOf, evidenceHash }),
    ]);
    // Newly failing: counts against the approval under the draft and does not today (met today, new, or
    // today only advisory or transitional).
    const failingNow = new Set(now.requirements.filter(countsAgainst).map((r) => r.id));
    const newlyFailing = then.requirements.filter((r) => countsAgainst(r) && !failingNow.has(r.id)).map((r) => ({ id: r.id, title: r.title }));
    approvals.push({ approvalId: a.approvalId, tilbudId: a.tilbudId, level: a.level, tilsyn: a.tilsyn, today: now.overall, underDraft: then.overall, newlyFailing });
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
    approvals,
    byLevel: tally((a) => a.level),
    byTilsyn: tally((a) => a.tilsyn),
  };
}
