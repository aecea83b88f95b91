import { audit } from '../audit';
import type { RulesCatalogue } from '../rules/catalogue';
import { newId } from '../store/ids';
import type { ApprovalRecord, HistoryEntry, Store, StoredDocument } from '../store/types';
import { today, type Clock } from '../time/clock';
import { dueReason, type RecheckOutcome, type Rechecker } from './recheck';
import { LIVE_STATUSES } from './service';

export const BATCH_LEASE = 'recheck-batch';
export const BATCH_SUBJECT = 'system:recheck';

export interface RecheckRun extends StoredDocument {
  id: string;
  status: 'running' | 'finished' | 'failed' | 'interrupted';
  asOf: string;
  holder: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  examined: number;
  counts: Record<Exclude<RecheckOutcome, 'skipped'>, number> & { skipped: number };
  /** Re-checks an interrupted run had saved but not yet audited and recorded, finished by this run. */
  completedAfterInterruption?: number;
  failures: { approvalId: string; message: string }[];
}

export class BatchBusyError extends Error {
  constructor() {
    super('Another re-check run holds the lease; try again when it has finished');
  }
}

export interface BatchDeps {
  store: Store;
  rules: RulesCatalogue;
  clock: Clock;
  rechecker: Rechecker;
  /** Identifies this process among several service instances on one store. */
  holder: string;
  leaseTtlMs?: number;
}

const PROGRESS_EVERY = 100;

/**
 * A batch run re-checks every approval that is due. Idempotent: each due occasion has a key and is done
 * at most once. Resumable: after a crash the next run finds only what is still due. With several
 * instances on one store, a lease with expiry lets one run at a time; a dead holder's lease runs out.
 */
export class RecheckBatch {
  private readonly ttl: number;
  /** Start of the earliest run that begin() found interrupted: its last re-check may lack its audit entry. */
  private interruptedSince: string | undefined;

  constructor(private readonly deps: BatchDeps) {
    this.ttl = deps.leaseTtlMs ?? 60_000;
  }

  /** Take the lease and create the run record; the caller then awaits `execute` (or lets it run in the background). */
  async begin(): Promise<RecheckRun> {
    const { store, clock, holder } = this.deps;
    if (!(await store.acquireLease(BATCH_LEASE, holder, this.ttl, clock.now()))) throw new BatchBusyError();
    this.interruptedSince = undefined;
    for (const stale of await store.findDocuments<RecheckRun>('recheckRuns', { status: 'running' })) {
      await store.putDocument('recheckRuns', { ...stale, status: 'interrupted' });
      if (this.interruptedSince === undefined || stale.startedAt < this.interruptedSince) this.interruptedSince = stale.startedAt;
    }
    const run: RecheckRun = {
      id: newId(),
      status: 'running',
      asOf: today(clock),
      holder,
      startedAt: clock.now().toISOString(),
      examined: 0,
      counts: { compliant: 0, 'at-risk': 0, 'evidence-overdue': 0, expired: 0, skipped: 0 },
      failures: [],
    };
    await store.putDocument('recheckRuns', run);
    return run;
  }

  async execute(run: RecheckRun, onProgress?: (run: RecheckRun) => void): Promise<RecheckRun> {
    const { store, rules, clock, rechecker, holder } = this.deps;
    const started = Date.now();
    try {
      for (const status of LIVE_STATUSES) {
        for await (const approval of store.findApprovals({ status })) {
          run.examined += 1;
          const due = dueReason(approval, run.asOf, rules);
          if (!due) await this.completeInterrupted(approval, run);
          if (due) {
            const key = `${approval.id}:${due.key}`;
            if (await store.getDocument('rechecks', key)) {
              run.counts.skipped += 1;
            } else {
              try {
                const result = await rechecker.recheck(approval.id, due.trigger, { by: BATCH_SUBJECT, dueKey: key });
                run.counts[result.outcome] += 1;
                await store.insertUniqueDocument('rechecks', { id: key, runId: run.id, approvalId: approval.id, outcome: result.outcome, at: clock.now().toISOString() });
              } catch (error) {
                run.failures.push({ approvalId: approval.id, message: (error as Error).message });
              }
            }
          }
          if (run.examined % PROGRESS_EVERY === 0) {
            if (!(await store.acquireLease(BATCH_LEASE, holder, this.ttl, clock.now()))) throw new Error('lost the re-check lease to another instance');
            await store.putDocument('recheckRuns', run);
            onProgress?.(run);
          }
        }
      }
      // An interrupted run's last expiry made its approval no longer live, so the loop above did not see it.
      if (this.interruptedSince !== undefined) {
        for await (const approval of store.findApprovals({ status: 'expired' })) await this.completeInterrupted(approval, run);
      }
      run.status = 'finished';
    } catch (error) {
      run.status = 'failed';
      run.failures.push({ approvalId: '-', message: (error as Error).message });
    } finally {
      run.finishedAt = clock.now().toISOString();
      run.durationMs = Date.now() - started;
      await store.putDocument('recheckRuns', run);
      await store.releaseLease(BATCH_LEASE, holder);
      onProgress?.(run);
    }
    return run;
  }

  /**
   * A run killed between saving a re-checked (or expired) approval and appending its audit entry leaves
   * the approval no longer due, so no later run would look at it again. Its newest history entry says
   * what was done: append the audit entry and record the due key. A kill in the instant between the
   * audit entry and the due key gives a second entry for the same change (marked
   * completedAfterInterruption): an audit entry may repeat, none is missing.
   */
  private async completeInterrupted(approval: ApprovalRecord, run: RecheckRun): Promise<void> {
    const since = this.interruptedSince;
    const last = approval.history[approval.history.length - 1];
    if (since === undefined || last === undefined || last.by !== BATCH_SUBJECT || last.at < since) return;
    const work = unloggedWork(approval, last);
    if (!work) return;
    const { store } = this.deps;
    if (await store.getDocument('rechecks', work.dueKey)) return;
    await audit(store, {
      at: last.at,
      subject: BATCH_SUBJECT,
      action: work.action,
      entityType: 'approval',
      entityId: approval.id,
      summary: { ...work.summary, completedAfterInterruption: true },
    });
    await store.insertUniqueDocument('rechecks', { id: work.dueKey, runId: run.id, approvalId: approval.id, outcome: work.outcome, at: last.at });
    run.completedAfterInterruption = (run.completedAfterInterruption ?? 0) + 1;
  }

  async run(onProgress?: (run: RecheckRun) => void): Promise<RecheckRun> {
    return this.execute(await this.begin(), onProgress);
  }
}

/** The audit entry and due key a batch history entry stands for, as the Rechecker writes them. */
function unloggedWork(
  approval: ApprovalRecord,
  entry: HistoryEntry,
): { dueKey: string; action: 'approval.rechecked' | 'approval.status-changed'; outcome: string; summary: Record<string, unknown> } | undefined {
  const details = entry.details ?? {};
  if (entry.type === 'recheck' && typeof details.dueKey === 'string') {
    return {
      dueKey: details.dueKey,
      action: 'approval.rechecked',
      outcome: String(details.outcome),
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
  if (entry.type === 'status-change' && entry.toStatus === 'expired' && details.trigger === 'expiry' && typeof details.validUntil === 'string') {
    return {
      dueKey: `${approval.id}:expiry:${details.validUntil}`,
      action: 'approval.status-changed',
      outcome: 'expired',
      summary: { fromStatus: entry.fromStatus, toStatus: 'expired', trigger: 'expiry' },
    };
  }
  return undefined;
}
