import { audit } from '../audit';
import type { RulesCatalogue } from '../rules/catalogue';
import { newId } from '../store/ids';
import type { ApprovalRecord, Store, StoredDocument } from '../store/types';
import { today, type Clock } from '../time/clock';
import { auditOf, dueReason, type RecheckOutcome, type Rechecker } from './recheck';
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
          if (!due) {
            await this.completeInterrupted(approval, run);
          } else {
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
    const isBatchWork = last.type === 'recheck' || (last.type === 'status-change' && last.toStatus === 'expired');
    const dueKey = last.details?.dueKey;
    if (!isBatchWork || typeof dueKey !== 'string') return;
    const { store } = this.deps;
    if (await store.getDocument('rechecks', dueKey)) return;
    const entry = auditOf(approval.id, last);
    await audit(store, { ...entry, summary: { ...entry.summary, completedAfterInterruption: true } });
    const outcome = last.type === 'recheck' ? String(last.details?.outcome) : 'expired';
    await store.insertUniqueDocument('rechecks', { id: dueKey, runId: run.id, approvalId: approval.id, outcome, at: last.at });
    run.completedAfterInterruption = (run.completedAfterInterruption ?? 0) + 1;
  }

  async run(onProgress?: (run: RecheckRun) => void): Promise<RecheckRun> {
    return this.execute(await this.begin(), onProgress);
  }
}
