import type { AuditRecord } from '../audit';
import { evaluate } from '../evaluation/evaluate';
import type { Evidence } from '../evidence/types';
import type { RulesCatalogue } from '../rules/catalogue';
import { tightenedRequirementIds } from '../rules/diff';
import type { Ruleset } from '../rules/types';
import { idFrom, newId } from './ids';
import { evaluationRecord, type ApprovalRecord, type EvaluationRecord, type HistoryEntry, type RecordChange, type RecordStore } from './records';
import { IN_FORCE_STATUSES, type ApprovalStatus, isInForce } from './status';
import { today, type Clock } from '../time/clock';
import { addDays, addMonths, earlierOf, periodEnd, type IsoDate } from '../time/dates';
import { contentHash } from '../rules/hash';
import { evidenceWithHashOnRecord } from './evidence';
import { approvalState } from './fold';
import { commitWithFlags, flaggingFor, type Flagging } from './advisory';
import { recordExpiry } from './expiry';

/** Why a re-check ran. */
export type RecheckTrigger = 'schedule' | 'renewal-window' | 'rule-change' | 'evidence' | 'capacity-change' | 'manual' | 'expiry';

/** What a re-check concluded. Nothing is revoked automatically: revocation stays an inspector's decision. */
export type RecheckOutcome = 'compliant' | 'at-risk' | 'evidence-overdue' | 'expired' | 'skipped';

export interface RecheckResult {
  approval: ApprovalRecord;
  outcome: RecheckOutcome;
  evaluationId?: string;
}

/** How long an inspector has to act on an at-risk approval. */
export const AT_RISK_DEADLINE_DAYS = 60;

export interface RecheckDeps {
  store: RecordStore;
  rules: RulesCatalogue;
  clock: Clock;
}

/** The version an approval was last checked against: the newest re-check's, else the one it was granted under. */
export function lastCheckedVersion(approval: ApprovalRecord): string {
  for (let i = approval.history.length - 1; i >= 0; i--) {
    const entry = approval.history[i];
    if ((entry.type === 'recheck' || entry.type === 'renewal') && typeof entry.details?.rulesetVersion === 'string') return entry.details.rulesetVersion;
  }
  return approval.rulesetVersion;
}

export function renewalWindowOpensOn(approval: ApprovalRecord, rules: RulesCatalogue): IsoDate | undefined {
  const ruleset = rules.get(approval.speciale, approval.rulesetVersion);
  if (!ruleset) return undefined;
  return addMonths(approval.validUntil, -ruleset.levels[approval.level].approvalPolicy.renewalWindowMonths);
}

function renewalWindowFlagged(approval: ApprovalRecord): boolean {
  return approval.history.some(
    (h) =>
      h.type === 'recheck' &&
      h.details?.validUntil === approval.validUntil &&
      (h.details?.trigger === 'renewal-window' || h.details?.renewalWindowOpen === true),
  );
}

/**
 * Whether an approval is due for a re-check on `date`, and why (the first reason wins). The due key
 * names one due occasion, so a batch never re-checks an approval twice for the same one.
 */
export function dueReason(approval: ApprovalRecord, date: IsoDate, rules: RulesCatalogue): { trigger: RecheckTrigger; key: string } | undefined {
  if (!isInForce(approval.status)) return undefined;
  if (date > approval.validUntil) return { trigger: 'expiry', key: `expiry:${approval.validUntil}` };
  const inForce = rules.inForceOn(approval.speciale, date);
  if (inForce && inForce.version !== lastCheckedVersion(approval)) return { trigger: 'rule-change', key: `rule-change:${inForce.version}` };
  if (approval.nextDueDate !== undefined && approval.nextDueDate <= date) return { trigger: 'schedule', key: `schedule:${approval.nextDueDate}` };
  const window = renewalWindowOpensOn(approval, rules);
  if (window !== undefined && window <= date && !renewalWindowFlagged(approval)) return { trigger: 'renewal-window', key: `renewal-window:${approval.validUntil}` };
  return undefined;
}

/** The audit entry for a re-check's history entry (a 'recheck', or the 'status-change' of an expiry) on `next`, the approval as it will be stored. */
export function auditOf(next: ApprovalRecord, entry: HistoryEntry): AuditRecord {
  const details = entry.details ?? {};
  const base = { at: entry.at, subject: entry.by, entityType: 'approval' as const, entityId: next.id };
  const state = approvalState(next);
  if (entry.type === 'recheck') {
    return {
      ...base,
      action: 'approval.rechecked',
      summary: {
        trigger: details.trigger,
        outcome: details.outcome,
        evaluationId: entry.evaluationId,
        rulesetVersion: details.rulesetVersion,
        fromStatus: entry.fromStatus,
        toStatus: entry.toStatus,
        state,
      },
    };
  }
  return { ...base, action: 'approval.status-changed', summary: { fromStatus: entry.fromStatus, toStatus: entry.toStatus, trigger: details.trigger, state } };
}

/** What a re-check will commit, and what it concluded. */
export interface PlannedRecheck {
  change: RecordChange;
  result: RecheckResult;
  /** An expiry of a specialfunktion: the rådgivningsfunktioner resting on it, flagged in the same transaction. */
  flagging?: Flagging;
  /** Re-check again from the approval as stored now (when the change was refused because it changed meanwhile). */
  again(): Promise<RecheckResult>;
}

export interface RecheckOptions {
  by: string;
  reason?: string;
  evidence?: Evidence;
  /** Names the due occasion: recorded with the re-check (as a `rechecks` document), so it is done once. */
  dueKey?: string;
  /** The batch run doing it, recorded with the due occasion. */
  runId?: string;
  details?: Record<string, unknown>;
}

/** Re-checks keep an approval true: re-evaluate the latest evidence against the version in force, and say what follows. */
export class Rechecker {
  constructor(private readonly deps: RecheckDeps) {}

  /**
   * Re-check one approval now, committing the re-check (its evaluation, the approval's new state, the due
   * occasion and the audit entry) in one change. A change that came first is read again and re-checked.
   */
  async recheck(approvalId: string, trigger: RecheckTrigger, options: RecheckOptions): Promise<RecheckResult> {
    const { store } = this.deps;
    for (let attempt = 0; attempt < 3; attempt++) {
      const approval = await store.getApproval(approvalId);
      if (!approval) throw new Error(`approval ${approvalId} not found`);
      const planned = await this.plan(approval, trigger, options);
      if (!('change' in planned)) return planned;
      const outcome = await commitWithFlags(store, [planned.change], planned.flagging);
      if (outcome.committed) return planned.result;
      // Another run did this occasion (its evaluation or due key is stored): done, whoever was first.
      if (outcome.reason === 'duplicate-id') return { approval: (await store.getApproval(approvalId)) ?? approval, outcome: 'skipped' };
    }
    throw new Error(`approval ${approvalId} kept changing during the re-check`);
  }

  /**
   * What re-checking `approval` (as read) would commit: nothing when it is no longer in force or the
   * occasion is already done (outcome skipped). `dueKey` makes the evaluation id deterministic, so two
   * runs that find the same occasion due write the same ids and the second is refused.
   */
  async plan(approval: ApprovalRecord, trigger: RecheckTrigger, options: RecheckOptions): Promise<PlannedRecheck | RecheckResult> {
    const { rules, clock } = this.deps;
    if (!isInForce(approval.status)) return { approval, outcome: 'skipped' };
    if (options.dueKey !== undefined && approval.history.some((h) => h.details?.dueKey === options.dueKey)) return { approval, outcome: 'skipped' };
    const date = today(clock);
    const at = clock.now().toISOString();
    const again = () => this.recheck(approval.id, trigger, options);
    const dueOccasion = (outcome: RecheckOutcome) =>
      options.dueKey !== undefined
        ? [{ collection: 'rechecks' as const, doc: { id: options.dueKey, approvalId: approval.id, outcome, at, ...(options.runId ? { runId: options.runId } : {}) } }]
        : [];

    if (date > approval.validUntil) {
      const { next, audit } = recordExpiry(approval, { by: options.by, at, trigger, dueKey: options.dueKey });
      return {
        change: { approval: { update: next, expectedVersion: approval.version }, documents: dueOccasion('expired'), audit },
        result: { approval: next, outcome: 'expired' },
        flagging: await flaggingFor(this.deps.store, next, 'expired', options.by, at),
        again,
      };
    }

    const evaluation = await this.evaluationFor(approval, trigger, date, at, options);
    const { result } = evaluation;
    const ruleset = rules.get(approval.speciale, evaluation.rulesetVersion) as Ruleset;
    const policy = ruleset.levels[approval.level].approvalPolicy;
    const outcome: RecheckOutcome = result.evidence.overdue ? 'evidence-overdue' : result.overall === 'eligible' ? 'compliant' : 'at-risk';
    const status: ApprovalStatus = outcome === 'compliant' ? 'active' : outcome;
    const nextDueDate = earlierOf(addMonths(date, policy.recheckIntervalMonths), approval.validUntil);
    const window = addMonths(approval.validUntil, -policy.renewalWindowMonths);
    const details: Record<string, unknown> = {
      trigger,
      outcome,
      rulesetVersion: evaluation.rulesetVersion,
      validUntil: approval.validUntil,
      ...(options.dueKey ? { dueKey: options.dueKey } : {}),
      ...(outcome === 'at-risk'
        ? {
            unmetRequirements: [...result.unmetRequired, ...result.insufficientRequired],
            inspectorDeadline: addDays(date, AT_RISK_DEADLINE_DAYS),
            recommendation: 'Kriterierne er ikke længere opfyldt; den tilsynsførende skal vurdere, om godkendelsen skal tilbagekaldes',
          }
        : {}),
      ...(outcome === 'evidence-overdue'
        ? { evidenceRequested: true, reportingDate: result.evidence.reportingDate, maxAgeMonths: result.evidence.maxAgeMonths }
        : {}),
      ...(result.transitional.length > 0 ? { transitionalWarnings: result.transitional } : {}),
      ...(window <= date ? { renewalWindowOpen: true } : {}),
      ...(options.details ?? {}),
    };
    const entry: HistoryEntry = {
      at, by: options.by, type: 'recheck', evaluationId: evaluation.id, fromStatus: approval.status, toStatus: status, details,
      ...(options.reason ? { reason: options.reason } : {}),
    };
    const next: ApprovalRecord = { ...approval, status, nextDueDate, history: [...approval.history, entry], updatedAt: at, version: approval.version + 1 };
    return {
      change: { evaluation, approval: { update: next, expectedVersion: approval.version }, documents: dueOccasion(outcome), audit: auditOf(next, entry) },
      result: { approval: next, outcome, evaluationId: evaluation.id },
      again,
    };
  }

  /** The re-check's evaluation (not yet stored: it is committed with the re-check). */
  private async evaluationFor(approval: ApprovalRecord, trigger: RecheckTrigger, date: IsoDate, at: string, options: RecheckOptions): Promise<EvaluationRecord> {
    const { rules } = this.deps;
    // New evidence is hashed once here; evidence on record comes with the hash its evaluation recorded.
    const { evidence, evidenceHash = contentHash(evidence) } = options.evidence ? { evidence: options.evidence } : await this.latestEvidence(approval);
    const ruleset = rules.inForceOn(approval.speciale, date) ?? (rules.get(approval.speciale, approval.rulesetVersion) as Ruleset);
    const transition = this.transitionFor(approval, ruleset, date);
    const result = await evaluate({ ruleset, level: approval.level, evidence, asOf: date, evidenceHash, ...transition });
    return {
      ...evaluationRecord(result, { id: options.dueKey ? idFrom(`${approval.id}|${options.dueKey}`) : newId(), provider: approval.provider, evidence, createdAt: at, createdBy: options.by }),
      approvalId: approval.id,
      trigger,
    };
  }

  private async latestEvidence(approval: ApprovalRecord): Promise<{ evidence: Evidence; evidenceHash?: string }> {
    const onRecord = await evidenceWithHashOnRecord(this.deps.store, approval);
    if (!onRecord) throw new Error(`no evidence on record for approval ${approval.id}`);
    return onRecord;
  }

  /**
   * Requirements a newer version added or tightened, compared with the version before it, count only
   * after its transition period for approvals granted under an older version; until then they are shown
   * as warnings. Measured against the version before (not the one granted under), so what an earlier
   * version tightened, whose transition has ended, does not become transitional again.
   */
  private transitionFor(approval: ApprovalRecord, ruleset: Ruleset, date: IsoDate) {
    if (ruleset.version === approval.rulesetVersion) return {};
    const granted = this.deps.rules.get(approval.speciale, approval.rulesetVersion);
    if (!granted) return {};
    const previous = this.deps.rules.previousPublished(approval.speciale, ruleset.version) ?? granted;
    const months = ruleset.levels[approval.level].approvalPolicy.transitionMonths;
    const endsOn = periodEnd(ruleset.effectiveFrom, months);
    if (date > endsOn) return {};
    return { transitionalRequirementIds: tightenedRequirementIds(previous, ruleset, approval.level), transitionEndsOn: endsOn };
  }
}

