import { audit } from '../audit';
import { evaluate } from '../evaluation/evaluate';
import type { EvaluationResult } from '../evaluation/types';
import type { Evidence } from '../evidence/types';
import type { RulesCatalogue } from '../rules/catalogue';
import { tightenedRequirementIds } from '../rules/diff';
import type { Ruleset } from '../rules/types';
import { DuplicateIdError } from '../store/errors';
import { idFrom, newId } from '../store/ids';
import { LIVE_STATUSES, type ApprovalRecord, type ApprovalStatus, type EvaluationRecord, type HistoryEntry, type Store } from '../store/types';
import { today, type Clock } from '../time/clock';
import { addDays, addMonths, earlierOf, periodEnd, type IsoDate } from '../time/dates';
import { evidenceOnRecord } from './evidence';

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
  store: Store;
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
  if (!LIVE_STATUSES.includes(approval.status)) return undefined;
  if (date > approval.validUntil) return { trigger: 'expiry', key: `expiry:${approval.validUntil}` };
  const inForce = rules.inForceOn(approval.speciale, date);
  if (inForce && inForce.version !== lastCheckedVersion(approval)) return { trigger: 'rule-change', key: `rule-change:${inForce.version}` };
  if (approval.nextDueDate !== undefined && approval.nextDueDate <= date) return { trigger: 'schedule', key: `schedule:${approval.nextDueDate}` };
  const window = renewalWindowOpensOn(approval, rules);
  if (window !== undefined && window <= date && !renewalWindowFlagged(approval)) return { trigger: 'renewal-window', key: `renewal-window:${approval.validUntil}` };
  return undefined;
}

/**
 * The audit entry for a re-check's history entry (a 'recheck', or the 'status-change' of an expiry),
 * built from the entry alone so that a later batch can write it for a run that died before it did.
 */
export function auditOf(approvalId: string, entry: HistoryEntry): Parameters<typeof audit>[1] {
  const details = entry.details ?? {};
  const base = { at: entry.at, subject: entry.by, entityType: 'approval' as const, entityId: approvalId };
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
      },
    };
  }
  return { ...base, action: 'approval.status-changed', summary: { fromStatus: entry.fromStatus, toStatus: entry.toStatus, trigger: details.trigger } };
}

/** Re-checks keep an approval true: re-evaluate the latest evidence against the version in force, and say what follows. */
export class Rechecker {
  constructor(private readonly deps: RecheckDeps) {}

  /**
   * Re-check one approval. `dueKey` makes the evaluation id deterministic, so a re-run after a crash
   * reuses the evaluation instead of making a second one for the same occasion.
   */
  async recheck(
    approvalId: string,
    trigger: RecheckTrigger,
    options: { by: string; reason?: string; evidence?: Evidence; dueKey?: string; details?: Record<string, unknown> },
  ): Promise<RecheckResult> {
    const { store, rules, clock } = this.deps;
    for (let attempt = 0; attempt < 3; attempt++) {
      const approval = await store.getApproval(approvalId);
      if (!approval) throw new Error(`approval ${approvalId} not found`);
      if (!LIVE_STATUSES.includes(approval.status)) return { approval, outcome: 'skipped' };
      // Done meanwhile by another run that also found the occasion due: once per occasion, whoever was first.
      if (options.dueKey !== undefined && approval.history.some((h) => h.details?.dueKey === options.dueKey)) return { approval, outcome: 'skipped' };
      const date = today(clock);
      const at = clock.now().toISOString();

      if (date > approval.validUntil) {
        const entry: HistoryEntry = {
          at, by: options.by, type: 'status-change', reason: 'Gyldighedsperioden er udløbet uden fornyelse',
          fromStatus: approval.status, toStatus: 'expired',
          details: { trigger, validUntil: approval.validUntil, ...(options.dueKey ? { dueKey: options.dueKey } : {}) },
        };
        const next: ApprovalRecord = { ...approval, status: 'expired', history: [...approval.history, entry], updatedAt: at };
        delete next.nextDueDate;
        if (!(await store.updateApproval(next, approval.version))) continue;
        await audit(store, auditOf(approval.id, entry));
        return { approval: { ...next, version: approval.version + 1 }, outcome: 'expired' };
      }

      const evaluation = await this.evaluationFor(approval, trigger, date, at, options);
      const result = evaluation.result as EvaluationResult;
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
      const next: ApprovalRecord = { ...approval, status, nextDueDate, history: [...approval.history, entry], updatedAt: at };
      if (!(await store.updateApproval(next, approval.version))) continue;
      await audit(store, auditOf(approval.id, entry));
      return { approval: { ...next, version: approval.version + 1 }, outcome, evaluationId: evaluation.id };
    }
    throw new Error(`approval ${approvalId} kept changing during the re-check`);
  }

  private async evaluationFor(
    approval: ApprovalRecord,
    trigger: RecheckTrigger,
    date: IsoDate,
    at: string,
    options: { by: string; evidence?: Evidence; dueKey?: string },
  ): Promise<EvaluationRecord> {
    const { store, rules } = this.deps;
    const id = options.dueKey ? idFrom(`${approval.id}|${options.dueKey}`) : undefined;
    if (id) {
      const existing = await store.getEvaluation(id);
      if (existing) return existing;
    }
    const evidence = options.evidence ?? (await this.latestEvidence(approval));
    const ruleset = rules.inForceOn(approval.speciale, date) ?? (rules.get(approval.speciale, approval.rulesetVersion) as Ruleset);
    const transition = this.transitionFor(approval, ruleset, date);
    const result = await evaluate({ ruleset, level: approval.level, evidence, asOf: date, ...transition });
    const record: EvaluationRecord = {
      id: id ?? newId(),
      speciale: approval.speciale,
      level: approval.level,
      rulesetVersion: result.rulesetVersion,
      rulesetHash: result.rulesetHash,
      evidenceHash: result.evidenceHash,
      engineVersion: result.engine.version,
      asOf: date,
      overall: result.overall,
      provider: approval.provider,
      evidence,
      result,
      createdAt: at,
      createdBy: options.by,
      approvalId: approval.id,
      trigger,
    };
    try {
      await store.insertEvaluation(record);
    } catch (error) {
      // Another run evaluated the same occasion at the same moment: its record (same inputs) is the one.
      const stored = id && error instanceof DuplicateIdError ? await store.getEvaluation(id) : undefined;
      if (!stored) throw error;
      return stored;
    }
    return record;
  }

  private async latestEvidence(approval: ApprovalRecord): Promise<Evidence> {
    const evidence = await evidenceOnRecord(this.deps.store, approval);
    if (!evidence) throw new Error(`no evidence on record for approval ${approval.id}`);
    return evidence;
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

